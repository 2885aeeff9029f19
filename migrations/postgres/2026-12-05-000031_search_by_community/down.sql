-- Back to vectors of words alone, generated from each row's own text.
DROP TRIGGER messages_search_vector ON chat_messages;
DROP FUNCTION messages_search_vector();
DROP TRIGGER threads_search_move ON threads;
DROP FUNCTION threads_search_move();
DROP TRIGGER posts_search_vector ON posts;
DROP FUNCTION posts_search_vector();
ALTER TABLE chat_messages DROP COLUMN search_vector;
ALTER TABLE posts DROP COLUMN search_vector;
ALTER TABLE threads DROP COLUMN search_vector;
DROP FUNCTION search_community(BIGINT);
DROP FUNCTION search_words(TEXT);

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
