-- Accounts, communities and threaded discussions (PostgreSQL).
-- Times are Unix milliseconds; ids are identity columns.

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    email TEXT,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE consents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    accepted_at BIGINT NOT NULL
);
CREATE INDEX consents_by_user ON consents (user_id, kind);

CREATE TABLE sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    user_agent TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE communities (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    place_name TEXT,
    region TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    description TEXT NOT NULL,
    description_html TEXT NOT NULL,
    rules TEXT NOT NULL,
    rules_html TEXT NOT NULL,
    banner TEXT NOT NULL,
    render_version INTEGER NOT NULL,
    visibility TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE community_members (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
CREATE INDEX community_members_by_user ON community_members (user_id);

CREATE TABLE membership_requests (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at BIGINT,
    PRIMARY KEY (community_id, user_id)
);

CREATE TABLE threads (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL,
    post_seq BIGINT NOT NULL,
    reply_count BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX threads_by_activity ON threads (community_id, last_activity_at DESC, id DESC);

CREATE TABLE posts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread_id BIGINT NOT NULL REFERENCES threads (id),
    parent_id BIGINT REFERENCES posts (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    depth INTEGER NOT NULL,
    tree_path TEXT COLLATE "C" NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    render_version INTEGER NOT NULL,
    content_warning TEXT,
    content_warning_note TEXT,
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    deleted_at BIGINT
);
CREATE UNIQUE INDEX posts_in_tree_order ON posts (thread_id, tree_path);
CREATE INDEX posts_by_author ON posts (author_id, created_at);

CREATE TABLE post_revisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    content_warning TEXT,
    content_warning_note TEXT,
    written_at BIGINT NOT NULL,
    replaced_at BIGINT NOT NULL,
    replaced_by BIGINT NOT NULL REFERENCES users (id)
);
CREATE INDEX post_revisions_by_post ON post_revisions (post_id, id);

CREATE TABLE post_reactions (
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id, kind)
);
