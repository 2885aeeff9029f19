DROP TABLE join_applications;
DROP TABLE invitation_joins;
DROP TABLE invitations;
