CREATE TABLE post_heads_as_text (
    post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    head TEXT NOT NULL,
    deflated BLOB,
    deflated_crc BIGINT
);
INSERT INTO post_heads_as_text (post_id, head) SELECT post_id, CAST(head AS TEXT) FROM post_heads;
DROP TABLE post_heads;
ALTER TABLE post_heads_as_text RENAME TO post_heads;
