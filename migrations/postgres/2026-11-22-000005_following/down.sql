DROP INDEX messages_search;
ALTER TABLE chat_messages DROP COLUMN search_vector;
DROP INDEX threads_search;
ALTER TABLE threads DROP COLUMN search_vector;
DROP INDEX posts_search;
ALTER TABLE posts DROP COLUMN search_vector;
DROP TABLE notifications;
DROP TABLE community_follows;
DROP TABLE thread_follows;
