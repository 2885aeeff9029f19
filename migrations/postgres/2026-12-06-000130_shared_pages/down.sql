DROP INDEX post_reactions_by_member;
DROP INDEX posts_by_thread_and_author;
