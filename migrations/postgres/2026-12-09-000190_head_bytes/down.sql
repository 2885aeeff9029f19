ALTER TABLE post_heads DROP COLUMN piece;
ALTER TABLE post_heads ADD COLUMN deflated BYTEA;
ALTER TABLE post_heads ADD COLUMN deflated_crc BIGINT;
ALTER TABLE post_heads ALTER COLUMN head TYPE TEXT USING convert_from(head, 'UTF8');
