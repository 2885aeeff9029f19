-- Each post counts its reactions, kept by triggers on every way a reaction
-- comes or goes (a member's choice, erasure, a cascade), so a thread page
-- reads each post's count from its index with the rest and looks up kinds
-- only for posts that have any (issue 22): most posts have none, and a
-- page where none has any runs no reactions statement at all.
ALTER TABLE posts ADD COLUMN reaction_count INTEGER NOT NULL DEFAULT 0;
-- Only posts with reactions are written again.
UPDATE posts SET reaction_count = (SELECT count(*) FROM post_reactions WHERE post_id = posts.id)
    WHERE id IN (SELECT post_id FROM post_reactions);

CREATE TRIGGER post_reactions_counted AFTER INSERT ON post_reactions
BEGIN
    UPDATE posts SET reaction_count = reaction_count + 1 WHERE id = new.post_id;
END;
CREATE TRIGGER post_reactions_uncounted AFTER DELETE ON post_reactions
BEGIN
    UPDATE posts SET reaction_count = reaction_count - 1 WHERE id = old.post_id;
END;

DROP INDEX posts_on_a_page;
CREATE INDEX posts_on_a_page ON posts (thread_id, tree_path, moderation_state, author_id, deleted_at, reaction_count);
