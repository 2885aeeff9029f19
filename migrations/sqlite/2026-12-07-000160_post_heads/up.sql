-- Each post's JSON as every reader shown it in full reads it, up to its
-- reactions (id, place in the tree, author, text, content warning, dates),
-- written when the post or its author's name or badges change, so a thread
-- page copies these rather than building each post from its row on every
-- read (issue 22). A post without one (a crisis post, an erased member's,
-- or one written before this table) is built from its row. The key is the
-- row id (INTEGER PRIMARY KEY), so a page finds each head in one lookup.
CREATE TABLE post_heads (
    post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    head TEXT NOT NULL
);

-- A page reads its posts in tree order with what decides who sees each
-- (its state, author and deletion) from this index alone, and each one's
-- head by its id, rather than visiting every post's row as well.
CREATE INDEX posts_on_a_page ON posts (thread_id, tree_path, moderation_state, author_id, deleted_at);
