-- Full-text search narrows to the reader's communities inside the index:
-- each search vector also holds one lexeme for its community ('_c' and the
-- id; words from text never start with '_', as punctuation becomes space),
-- and a search matches its words AND one of the communities it may read,
-- so the work a search does follows what the reader may see, not how often
-- a word is used elsewhere. Posts and chat messages take their community
-- from their thread or room, so a trigger keeps their vectors.
CREATE FUNCTION search_words(text TEXT) RETURNS tsvector LANGUAGE SQL IMMUTABLE
    AS $$ SELECT to_tsvector('simple', regexp_replace(text, '[[:punct:]]', ' ', 'g')) $$;
CREATE FUNCTION search_community(community BIGINT) RETURNS tsvector LANGUAGE SQL IMMUTABLE
    AS $$ SELECT array_to_tsvector(ARRAY['_c' || community::text]) $$;

ALTER TABLE threads DROP COLUMN search_vector;
ALTER TABLE threads ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (search_words(title) || search_community(community_id)) STORED;
CREATE INDEX threads_search ON threads USING GIN (search_vector) WHERE deleted_at IS NULL;

ALTER TABLE posts DROP COLUMN search_vector;
ALTER TABLE posts ADD COLUMN search_vector tsvector;
UPDATE posts p SET search_vector = search_words(p.body) || search_community(t.community_id)
    FROM threads t WHERE t.id = p.thread_id;
CREATE INDEX posts_search ON posts USING GIN (search_vector)
    WHERE moderation_state = 'visible' AND deleted_at IS NULL;
CREATE FUNCTION posts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := search_words(NEW.body)
        || search_community((SELECT community_id FROM threads WHERE id = NEW.thread_id));
    RETURN NEW;
END $$;
CREATE TRIGGER posts_search_vector BEFORE INSERT OR UPDATE OF body, thread_id ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_vector();
-- A thread moved to another community takes its posts along in the index.
CREATE FUNCTION threads_search_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE posts SET search_vector = search_words(body) || search_community(NEW.community_id)
        WHERE thread_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER threads_search_move AFTER UPDATE OF community_id ON threads
    FOR EACH ROW WHEN (OLD.community_id IS DISTINCT FROM NEW.community_id)
    EXECUTE FUNCTION threads_search_move();

ALTER TABLE chat_messages DROP COLUMN search_vector;
ALTER TABLE chat_messages ADD COLUMN search_vector tsvector;
UPDATE chat_messages m SET search_vector = search_words(m.body) || search_community(r.community_id)
    FROM rooms r WHERE r.id = m.room_id;
CREATE INDEX messages_search ON chat_messages USING GIN (search_vector)
    WHERE moderation_state = 'visible' AND deleted_at IS NULL;
CREATE FUNCTION messages_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := search_words(NEW.body)
        || search_community((SELECT community_id FROM rooms WHERE id = NEW.room_id));
    RETURN NEW;
END $$;
CREATE TRIGGER messages_search_vector BEFORE INSERT OR UPDATE OF body, room_id ON chat_messages
    FOR EACH ROW EXECUTE FUNCTION messages_search_vector();
