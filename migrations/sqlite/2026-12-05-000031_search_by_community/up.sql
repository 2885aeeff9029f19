-- Full-text search narrows to the reader's communities inside the index:
-- each index gains a `community` column holding one token per row ('c' and
-- the community's id), and a search matches its words AND one of the
-- communities it may read, so the work a search does follows what the
-- reader may see, not how often a word is used elsewhere. The text column
-- is `words` in all three, so one match expression serves them all.
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

CREATE VIRTUAL TABLE posts_search USING fts5 (words, community, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO posts_search (posts_search, rank) VALUES ('secure-delete', 1);
INSERT INTO posts_search (rowid, words, community)
    SELECT p.id, p.body, 'c' || t.community_id FROM posts p JOIN threads t ON t.id = p.thread_id
    WHERE p.moderation_state = 'visible' AND p.deleted_at IS NULL;
CREATE TRIGGER posts_search_insert AFTER INSERT ON posts
WHEN new.moderation_state = 'visible' AND new.deleted_at IS NULL
BEGIN
    INSERT INTO posts_search (rowid, words, community)
        SELECT new.id, new.body, 'c' || community_id FROM threads WHERE id = new.thread_id;
END;
CREATE TRIGGER posts_search_update AFTER UPDATE OF body, moderation_state, deleted_at ON posts
BEGIN
    DELETE FROM posts_search WHERE rowid = old.id;
    INSERT INTO posts_search (rowid, words, community)
        SELECT new.id, new.body, 'c' || community_id FROM threads
        WHERE id = new.thread_id AND new.moderation_state = 'visible' AND new.deleted_at IS NULL;
END;
CREATE TRIGGER posts_search_delete AFTER DELETE ON posts
BEGIN
    DELETE FROM posts_search WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE threads_search USING fts5 (words, community, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO threads_search (threads_search, rank) VALUES ('secure-delete', 1);
INSERT INTO threads_search (rowid, words, community)
    SELECT id, title, 'c' || community_id FROM threads WHERE deleted_at IS NULL;
CREATE TRIGGER threads_search_insert AFTER INSERT ON threads
WHEN new.deleted_at IS NULL
BEGIN
    INSERT INTO threads_search (rowid, words, community) VALUES (new.id, new.title, 'c' || new.community_id);
END;
CREATE TRIGGER threads_search_update AFTER UPDATE OF title, deleted_at, community_id ON threads
BEGIN
    DELETE FROM threads_search WHERE rowid = old.id;
    INSERT INTO threads_search (rowid, words, community)
        SELECT new.id, new.title, 'c' || new.community_id WHERE new.deleted_at IS NULL;
END;
CREATE TRIGGER threads_search_delete AFTER DELETE ON threads
BEGIN
    DELETE FROM threads_search WHERE rowid = old.id;
END;
-- A thread moved to another community takes its posts along in the index.
CREATE TRIGGER threads_search_move AFTER UPDATE OF community_id ON threads
BEGIN
    DELETE FROM posts_search WHERE rowid IN (SELECT id FROM posts WHERE thread_id = new.id);
    INSERT INTO posts_search (rowid, words, community)
        SELECT id, body, 'c' || new.community_id FROM posts
        WHERE thread_id = new.id AND moderation_state = 'visible' AND deleted_at IS NULL;
END;

CREATE VIRTUAL TABLE messages_search USING fts5 (words, community, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO messages_search (messages_search, rank) VALUES ('secure-delete', 1);
INSERT INTO messages_search (rowid, words, community)
    SELECT m.id, m.body, 'c' || r.community_id FROM chat_messages m JOIN rooms r ON r.id = m.room_id
    WHERE m.moderation_state = 'visible' AND m.deleted_at IS NULL;
CREATE TRIGGER messages_search_insert AFTER INSERT ON chat_messages
WHEN new.moderation_state = 'visible' AND new.deleted_at IS NULL
BEGIN
    INSERT INTO messages_search (rowid, words, community)
        SELECT new.id, new.body, 'c' || community_id FROM rooms WHERE id = new.room_id;
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF body, moderation_state, deleted_at ON chat_messages
BEGIN
    DELETE FROM messages_search WHERE rowid = old.id;
    INSERT INTO messages_search (rowid, words, community)
        SELECT new.id, new.body, 'c' || community_id FROM rooms
        WHERE id = new.room_id AND new.moderation_state = 'visible' AND new.deleted_at IS NULL;
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON chat_messages
BEGIN
    DELETE FROM messages_search WHERE rowid = old.id;
END;
