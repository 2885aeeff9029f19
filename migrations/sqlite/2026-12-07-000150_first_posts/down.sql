DROP INDEX posts_first_of_thread;
