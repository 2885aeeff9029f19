DROP INDEX posts_on_a_page;
CREATE INDEX posts_on_a_page ON posts (thread_id, tree_path, moderation_state, author_id, deleted_at);
DROP TRIGGER post_reactions_uncounted;
DROP TRIGGER post_reactions_counted;
ALTER TABLE posts DROP COLUMN reaction_count;
