DROP TABLE event_occurrences;
DROP TABLE event_series;
