DROP TABLE event_rsvps;
DROP TABLE event_details;
DROP TABLE events;
