-- Heads are derived from posts: going back drops them, and each post is
-- built from its row until its head is written again.
DROP TABLE post_heads;
CREATE TABLE post_heads (
    post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    head BLOB NOT NULL,
    piece BLOB
);
