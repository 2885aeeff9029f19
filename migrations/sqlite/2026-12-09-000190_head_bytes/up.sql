-- A kept head is the bytes a page copies, and its piece is one blob that
-- also says where in the head its text lies and what it was made from
-- (`stitch::Placed`), so a page reads two values a post rather than three,
-- checks neither again as text and never looks for the text in a head
-- (issue 22). The pieces kept before this change go: until a head is
-- written again, its page compresses that text with the rest.
CREATE TABLE post_heads_as_bytes (
    post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    head BLOB NOT NULL,
    piece BLOB
);
INSERT INTO post_heads_as_bytes (post_id, head) SELECT post_id, CAST(head AS BLOB) FROM post_heads;
DROP TABLE post_heads;
ALTER TABLE post_heads_as_bytes RENAME TO post_heads;
