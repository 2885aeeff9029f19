-- A first-run setup link's token, stored only hashed; valid until used or
-- until an admin exists.
CREATE TABLE setup_links (
    token_hash TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- The instance's settings as changed in the admin console: one JSON
-- document of the settings that differ from kindred.toml's. Its revision
-- moves on with every change, so each process sees when to load it again.
CREATE TABLE instance_settings (
    id INTEGER PRIMARY KEY,
    revision BIGINT NOT NULL,
    document TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO instance_settings (id, revision, document, updated_at) VALUES (1, 0, '{}', 0);

-- What admins changed in the console: who, when, what, the value before and after.
CREATE TABLE admin_log (
    id INTEGER PRIMARY KEY,
    actor_id BIGINT NOT NULL REFERENCES users (id),
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX admin_log_at ON admin_log (at);
