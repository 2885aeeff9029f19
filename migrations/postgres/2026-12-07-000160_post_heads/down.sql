DROP INDEX posts_on_a_page;
DROP TABLE post_heads;
