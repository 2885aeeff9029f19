-- Each post counts its reactions, kept by a trigger on every way a reaction
-- comes or goes (a member's choice, erasure, a cascade), so a thread page
-- reads each post's count with the rest and looks up kinds only for posts
-- that have any (issue 22): most posts have none, and a page where none has
-- any runs no reactions statement at all. The count stays out of the
-- indexes, so that a reaction's update of its post can be a heap-only one
-- rather than writing every index of the post again.
ALTER TABLE posts ADD COLUMN reaction_count INTEGER NOT NULL DEFAULT 0;
-- Only posts with reactions are written again.
UPDATE posts SET reaction_count = (SELECT count(*) FROM post_reactions WHERE post_id = posts.id)
    WHERE id IN (SELECT post_id FROM post_reactions);

CREATE FUNCTION post_reactions_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE posts SET reaction_count = reaction_count + 1 WHERE id = NEW.post_id;
    ELSE
        UPDATE posts SET reaction_count = reaction_count - 1 WHERE id = OLD.post_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER post_reactions_counted AFTER INSERT OR DELETE ON post_reactions
    FOR EACH ROW EXECUTE FUNCTION post_reactions_count();
