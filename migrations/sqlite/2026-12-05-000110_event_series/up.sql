-- A repeating event (a weekly walk, a meeting on the second Tuesday of each
-- month): the rule, with the first date as the organiser gave it. Each date
-- is stored as an event of its own (so answers, the waiting list, reminders
-- and attendance are per date), tied to its series in event_occurrences.
CREATE TABLE event_series (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    -- 'weekly' or 'monthly' (by weekday).
    frequency TEXT NOT NULL,
    -- Every this many weeks or months.
    every INTEGER NOT NULL,
    -- Monthly: which weekday of the month (1 to 4, or -1 for the last).
    week_of_month INTEGER,
    -- How many dates the series has.
    occurrences INTEGER NOT NULL,
    time_zone TEXT NOT NULL,
    starts_local TEXT NOT NULL,
    ends_local TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX event_series_community ON event_series (community_id);

-- Which series an event is a date of, and the wall-clock start the rule
-- gave it (iCalendar's RECURRENCE-ID, kept when the date is moved).
CREATE TABLE event_occurrences (
    event_id BIGINT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    series_id BIGINT NOT NULL REFERENCES event_series (id) ON DELETE CASCADE,
    occurrence_local TEXT NOT NULL
);
CREATE INDEX event_occurrences_series ON event_occurrences (series_id, occurrence_local);
