-- A kept head and its text's piece are one value
-- (`discussion::heads::KeptHead`): the head's bytes, the piece's deflate
-- blocks, then how long the head is and where the text lies in it, three
-- big-endian 32-bit numbers. A page reads one value a post, and a piece can
-- never be out of step with the head it was made from, so a gzipped page
-- copies it in without hashing its text again (issue 22). Each head and
-- piece kept before is carried over; a head kept without a piece says so
-- with a text of no length.
ALTER TABLE post_heads ADD COLUMN kept BYTEA;
-- The old piece began with its text's place and length, little-endian.
UPDATE post_heads SET kept = head
    || CASE WHEN length(piece) >= 12 THEN substring(piece FROM 13) ELSE '\x'::bytea END
    || int4send(length(head))
    || CASE WHEN length(piece) >= 12 THEN
            int4send(get_byte(piece, 0) | (get_byte(piece, 1) << 8) | (get_byte(piece, 2) << 16) | (get_byte(piece, 3) << 24))
            || int4send(get_byte(piece, 4) | (get_byte(piece, 5) << 8) | (get_byte(piece, 6) << 16) | (get_byte(piece, 7) << 24))
        ELSE '\x0000000000000000'::bytea END;
ALTER TABLE post_heads ALTER COLUMN kept SET NOT NULL;
ALTER TABLE post_heads DROP COLUMN head;
ALTER TABLE post_heads DROP COLUMN piece;
