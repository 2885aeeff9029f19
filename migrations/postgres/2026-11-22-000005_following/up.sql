-- Following, notifications and search (PostgreSQL): follow levels on threads
-- and communities, a grouped inbox per member, and generated tsvector
-- columns with GIN indexes over thread titles, posts and chat messages
-- (kept in step by the row itself; only visible, undeleted content is in
-- the partial indexes the search uses).

CREATE TABLE thread_follows (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);
CREATE INDEX thread_follows_by_thread ON thread_follows (thread_id);

CREATE TABLE community_follows (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, community_id)
);
CREATE INDEX community_follows_by_community ON community_follows (community_id);

CREATE TABLE notifications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    group_key TEXT NOT NULL,
    count INTEGER NOT NULL,
    thread_id BIGINT,
    subject_id BIGINT NOT NULL,
    actor_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    read_at BIGINT
);
-- One unread line per group: a later event adds to its count.
CREATE UNIQUE INDEX notifications_unread_group ON notifications (user_id, group_key) WHERE read_at IS NULL;
CREATE INDEX notifications_by_user ON notifications (user_id, updated_at, id);

-- Full-text search: 'simple' (no stemming, no accent folding) on the text
-- with ASCII punctuation made spaces, so words are runs of letters and
-- digits as in SQLite's unicode61 tokenizer (PostgreSQL's own parser would
-- otherwise read tags, addresses and hyphenated words as units).
ALTER TABLE posts ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(body, '[[:punct:]]', ' ', 'g'))) STORED;
CREATE INDEX posts_search ON posts USING GIN (search_vector)
    WHERE moderation_state = 'visible' AND deleted_at IS NULL;

ALTER TABLE threads ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(title, '[[:punct:]]', ' ', 'g'))) STORED;
CREATE INDEX threads_search ON threads USING GIN (search_vector) WHERE deleted_at IS NULL;

ALTER TABLE chat_messages ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(body, '[[:punct:]]', ' ', 'g'))) STORED;
CREATE INDEX messages_search ON chat_messages USING GIN (search_vector)
    WHERE moderation_state = 'visible' AND deleted_at IS NULL;
