-- Live chat: rooms in communities and their messages (SQLite).
-- Each room numbers its messages itself (last_seq), in the insert's
-- transaction, so a client can resume "after N" without skipping any.

CREATE TABLE rooms (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    is_default BOOLEAN NOT NULL,
    last_seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    archived_at BIGINT
);
CREATE INDEX rooms_by_community ON rooms (community_id);

INSERT INTO rooms (community_id, name, is_default, last_seq, created_at, archived_at)
SELECT id, 'General', TRUE, 0, created_at, NULL FROM communities;

CREATE TABLE chat_messages (
    id INTEGER PRIMARY KEY,
    room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    client_id TEXT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    render_version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT,
    deleted_by BIGINT REFERENCES users (id)
);
CREATE UNIQUE INDEX chat_messages_in_order ON chat_messages (room_id, seq);
CREATE UNIQUE INDEX chat_messages_resend ON chat_messages (room_id, author_id, client_id);

CREATE TABLE room_mutes (
    room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    muted_until BIGINT NOT NULL,
    muted_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
