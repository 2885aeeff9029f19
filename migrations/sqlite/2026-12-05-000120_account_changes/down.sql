ALTER TABLE users DROP COLUMN welcomed_at;
DROP TABLE display_name_changes;
ALTER TABLE consents DROP COLUMN withdrawn;
