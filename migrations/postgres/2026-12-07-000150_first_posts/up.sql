-- A thread's first post found by index (depth 0). Without it, opening a
-- thread page, listing a community's threads or storing a reply read every
-- post of the thread to find the one at depth 0, so each grew slower as the
-- thread grew (issue 22).
CREATE INDEX posts_first_of_thread ON posts (thread_id, depth);
