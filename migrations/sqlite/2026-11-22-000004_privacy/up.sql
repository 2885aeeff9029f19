-- Privacy and the account lifecycle (SQLite): verified email, blocks,
-- single-use email links, data exports, erasure records, and the address a
-- session was opened from (kept only for the IP retention period).

ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
ALTER TABLE users ADD COLUMN erased_at BIGINT;
CREATE INDEX users_by_email ON users (email);

ALTER TABLE sessions ADD COLUMN ip TEXT;

CREATE TABLE blocks (
    blocker_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_by_blocked ON blocks (blocked_id);

CREATE TABLE email_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX email_tokens_by_user ON email_tokens (user_id, purpose);

CREATE TABLE data_exports (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    document TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT,
    expires_at BIGINT NOT NULL
);
CREATE INDEX data_exports_by_user ON data_exports (user_id);

CREATE TABLE account_erasures (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL,
    requested_by TEXT NOT NULL,
    content_policy TEXT NOT NULL,
    erased_at BIGINT NOT NULL
);
