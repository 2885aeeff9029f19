-- Back to indexes of words alone.
DROP TRIGGER threads_search_move;
DROP TRIGGER posts_search_insert;
DROP TRIGGER posts_search_update;
DROP TRIGGER posts_search_delete;
DROP TRIGGER threads_search_insert;
DROP TRIGGER threads_search_update;
DROP TRIGGER threads_search_delete;
DROP TRIGGER messages_search_insert;
DROP TRIGGER messages_search_update;
DROP TRIGGER messages_search_delete;
DROP TABLE posts_search;
DROP TABLE threads_search;
DROP TABLE messages_search;

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
