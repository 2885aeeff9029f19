DROP TRIGGER post_reactions_counted ON post_reactions;
DROP FUNCTION post_reactions_count();
ALTER TABLE posts DROP COLUMN reaction_count;
