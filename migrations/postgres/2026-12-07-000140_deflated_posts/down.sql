DROP TABLE deflated_posts;
