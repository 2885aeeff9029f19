-- A community's events. Times are kept as the organiser gave them (a wall
-- clock time in an IANA time zone) and as the UTC instants they name, which
-- order, remind and export. `sequence` rises on every change (iCalendar's
-- SEQUENCE); `rsvp_seq` numbers the answers, so the waiting list keeps
-- arrival order, and taking it locks the event's row for one answer at a time.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    starts_local TEXT NOT NULL,
    ends_local TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    capacity INTEGER,
    sequence INTEGER NOT NULL DEFAULT 0,
    rsvp_seq BIGINT NOT NULL DEFAULT 0,
    cancelled_at BIGINT,
    -- 0: none yet, 1: the day before, 2: the hour before.
    reminders_sent INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- What describes an event, beside what schedules it.
CREATE TABLE event_details (
    event_id BIGINT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    description_html TEXT NOT NULL,
    render_version INTEGER NOT NULL,
    online BOOLEAN NOT NULL,
    place_name TEXT,
    address TEXT,
    latitude REAL,
    longitude REAL,
    online_url TEXT,
    accessibility TEXT NOT NULL
);
CREATE INDEX events_community_start ON events (community_id, starts_at);
CREATE INDEX events_to_remind ON events (starts_at) WHERE cancelled_at IS NULL AND reminders_sent < 2;

-- Members' answers: going, maybe, not_going, or waiting (past capacity).
-- `arrival` is the event's rsvp_seq when the answer was given; `attended`
-- is what an organiser recorded afterwards.
CREATE TABLE event_rsvps (
    event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    arrival BIGINT NOT NULL,
    responded_at BIGINT NOT NULL,
    attended BOOLEAN,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_rsvps_user ON event_rsvps (user_id);
CREATE INDEX event_rsvps_waiting ON event_rsvps (event_id, status, arrival);
