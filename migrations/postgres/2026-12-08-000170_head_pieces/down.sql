-- Puts back the table of each post's text deflated (empty: a page without
-- a piece compresses that text with the rest) and drops the heads' pieces.
CREATE TABLE deflated_posts (
    post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    json_length BIGINT NOT NULL,
    json_crc BIGINT NOT NULL,
    deflated BYTEA NOT NULL
);
ALTER TABLE post_heads DROP COLUMN deflated_crc;
ALTER TABLE post_heads DROP COLUMN deflated;
