DROP TABLE join_decisions;
DROP TABLE community_archives;
