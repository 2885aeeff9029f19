-- Heads are derived from posts: going back drops them, and each post is
-- built from its row until its head is written again.
DELETE FROM post_heads;
ALTER TABLE post_heads DROP COLUMN kept;
ALTER TABLE post_heads ADD COLUMN head BYTEA NOT NULL;
ALTER TABLE post_heads ADD COLUMN piece BYTEA;
