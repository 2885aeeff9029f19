DROP TABLE account_erasures;
DROP TABLE data_exports;
DROP TABLE email_tokens;
DROP TABLE blocks;
ALTER TABLE sessions DROP COLUMN ip;
DROP INDEX users_by_email;
ALTER TABLE users DROP COLUMN erased_at;
ALTER TABLE users DROP COLUMN email_verified_at;
