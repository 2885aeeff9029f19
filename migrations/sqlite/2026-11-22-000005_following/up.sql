-- Following, notifications and search (SQLite): follow levels on threads
-- and communities, a grouped inbox per member, and FTS5 indexes over thread
-- titles, posts and chat messages that triggers keep in step with the rows
-- in the same transaction. Only visible, undeleted content is indexed.

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
    id INTEGER PRIMARY KEY,
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

-- Full-text search. Each index keeps its own copy of the text (so a row can
-- be dropped from it by id alone), and secure-delete removes a dropped
-- row's words from the index at once rather than at the next merge.
CREATE VIRTUAL TABLE posts_search USING fts5 (body, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO posts_search (posts_search, rank) VALUES ('secure-delete', 1);
INSERT INTO posts_search (rowid, body)
    SELECT id, body FROM posts WHERE moderation_state = 'visible' AND deleted_at IS NULL;
CREATE TRIGGER posts_search_insert AFTER INSERT ON posts
WHEN new.moderation_state = 'visible' AND new.deleted_at IS NULL
BEGIN
    INSERT INTO posts_search (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER posts_search_update AFTER UPDATE OF body, moderation_state, deleted_at ON posts
BEGIN
    DELETE FROM posts_search WHERE rowid = old.id;
    INSERT INTO posts_search (rowid, body)
        SELECT new.id, new.body WHERE new.moderation_state = 'visible' AND new.deleted_at IS NULL;
END;
CREATE TRIGGER posts_search_delete AFTER DELETE ON posts
BEGIN
    DELETE FROM posts_search WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE threads_search USING fts5 (title, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO threads_search (threads_search, rank) VALUES ('secure-delete', 1);
INSERT INTO threads_search (rowid, title) SELECT id, title FROM threads WHERE deleted_at IS NULL;
CREATE TRIGGER threads_search_insert AFTER INSERT ON threads
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO threads_search (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER threads_search_update AFTER UPDATE OF title, deleted_at ON threads
BEGIN
    DELETE FROM threads_search WHERE rowid = old.id;
    INSERT INTO threads_search (rowid, title) SELECT new.id, new.title WHERE new.deleted_at IS NULL;
END;
CREATE TRIGGER threads_search_delete AFTER DELETE ON threads
BEGIN
    DELETE FROM threads_search WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE messages_search USING fts5 (body, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO messages_search (messages_search, rank) VALUES ('secure-delete', 1);
INSERT INTO messages_search (rowid, body)
    SELECT id, body FROM chat_messages WHERE moderation_state = 'visible' AND deleted_at IS NULL;
CREATE TRIGGER messages_search_insert AFTER INSERT ON chat_messages
WHEN new.moderation_state = 'visible' AND new.deleted_at IS NULL
BEGIN
    INSERT INTO messages_search (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF body, moderation_state, deleted_at ON chat_messages
BEGIN
    DELETE FROM messages_search WHERE rowid = old.id;
    INSERT INTO messages_search (rowid, body)
        SELECT new.id, new.body WHERE new.moderation_state = 'visible' AND new.deleted_at IS NULL;
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON chat_messages
BEGIN
    DELETE FROM messages_search WHERE rowid = old.id;
END;
