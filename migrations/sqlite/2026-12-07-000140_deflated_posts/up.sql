-- Each post's text as a thread page's JSON carries it, deflated once when
-- the post is written, so a page sent gzipped copies these pieces in rather
-- than compressing every post's text on every request (issue 22). The
-- length and CRC-32 of the JSON it was made from let a page check that a
-- piece still matches the text it sends; a post without one (written
-- before this table) is compressed with the rest of the page. The key is the
-- row id (INTEGER PRIMARY KEY), so a page finds each piece in one lookup.
CREATE TABLE deflated_posts (
    post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    json_length BIGINT NOT NULL,
    json_crc BIGINT NOT NULL,
    deflated BLOB NOT NULL
);
