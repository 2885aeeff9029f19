DROP TABLE goal_entries;
DROP TABLE goal_pledges;
DROP TABLE goals;
