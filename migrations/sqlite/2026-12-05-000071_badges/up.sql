-- The badges an admin granted a member (staff, clinician with a profession,
-- partner organisation, link worker, peer supporter), as a JSON list kept on
-- the account so every author lookup reads them with the name.
ALTER TABLE users ADD COLUMN badges TEXT NOT NULL DEFAULT '[]';
