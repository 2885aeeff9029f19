-- A kept head is the bytes a page copies, and its piece is one value that
-- also says where in the head its text lies and what it was made from
-- (`stitch::Placed`), so a page reads two values a post rather than three,
-- checks neither again as text and never looks for the text in a head
-- (issue 22). The pieces kept before this change go: until a head is
-- written again, its page compresses that text with the rest.
ALTER TABLE post_heads ALTER COLUMN head TYPE BYTEA USING convert_to(head, 'UTF8');
ALTER TABLE post_heads DROP COLUMN deflated_crc;
ALTER TABLE post_heads DROP COLUMN deflated;
ALTER TABLE post_heads ADD COLUMN piece BYTEA;
