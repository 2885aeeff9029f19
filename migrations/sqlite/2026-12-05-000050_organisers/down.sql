DROP TABLE community_organisers;
