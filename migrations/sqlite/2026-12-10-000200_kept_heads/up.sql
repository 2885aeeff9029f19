-- A kept head and its text's piece are one value
-- (`discussion::heads::KeptHead`): the head's bytes, the piece's deflate
-- blocks, then how long the head is and where the text lies in it, three
-- big-endian 32-bit numbers. A page reads one value a post, and a piece can
-- never be out of step with the head it was made from, so a gzipped page
-- copies it in without hashing its text again (issue 22). Each head and
-- piece kept before is carried over; a head kept without a piece says so
-- with a text of no length.
CREATE TABLE post_heads_kept (
    post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    kept BLOB NOT NULL
);
-- The old piece began with its text's place and length, little-endian:
-- their hex digits are read back to front, two at a time.
INSERT INTO post_heads_kept (post_id, kept)
SELECT post_id, CAST(
    head
    || CASE WHEN has_piece THEN substr(piece, 13) ELSE x'' END
    || unhex(printf('%08X', length(head)))
    || CASE WHEN has_piece THEN unhex(
            substr(digits, 7, 2) || substr(digits, 5, 2) || substr(digits, 3, 2) || substr(digits, 1, 2)
            || substr(digits, 15, 2) || substr(digits, 13, 2) || substr(digits, 11, 2) || substr(digits, 9, 2))
        ELSE x'0000000000000000' END
    AS BLOB)
FROM (SELECT post_id, head, piece, coalesce(length(piece) >= 12, 0) AS has_piece, hex(substr(piece, 1, 8)) AS digits
      FROM post_heads);
DROP TABLE post_heads;
ALTER TABLE post_heads_kept RENAME TO post_heads;
