-- Who is in which chat room through which server process, so that on
-- PostgreSQL every process shows everyone present, not only its own
-- clients. A process refreshes its rows while it lives; rows of a process
-- that died stop counting once they are older than the presence lease.
CREATE TABLE live_presence (
    room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    process_id BIGINT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id, process_id)
);
CREATE INDEX live_presence_by_process ON live_presence (process_id);
