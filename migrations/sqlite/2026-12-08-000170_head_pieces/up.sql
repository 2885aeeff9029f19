-- A gzipped thread page copies in the text of each kept head deflated
-- once, when the head was written (its piece), and compresses only what
-- lies between: the other fields, which repeat from post to post, the
-- reactions and any post built for its reader (issue 22). Kept with its
-- head, a piece is read by the page's own statement rather than by one
-- more. Its CRC-32 lets a page check that it still matches. A head kept
-- before this change has no piece until it is written again, and its page
-- compresses that text with the rest. The pieces kept apart from the heads
-- (`deflated_posts`) go.
ALTER TABLE post_heads ADD COLUMN deflated BLOB;
ALTER TABLE post_heads ADD COLUMN deflated_crc BIGINT;
DROP TABLE deflated_posts;
