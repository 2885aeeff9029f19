-- Whether a member has written or reacted in a thread, found by index
-- rather than by reading the thread: a thread page is shared by every
-- member who has neither (issue 22).
CREATE INDEX posts_by_thread_and_author ON posts (thread_id, author_id);
CREATE INDEX post_reactions_by_member ON post_reactions (user_id, post_id);
