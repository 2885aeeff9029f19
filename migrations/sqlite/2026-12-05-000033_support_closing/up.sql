-- A safeguarding lead closes a support conversation when the case is done
-- (it leaves the leads' open list); the next message, from either side,
-- opens it again: closing never stops a member writing to the team.
ALTER TABLE support_conversations ADD COLUMN closed_at BIGINT;
ALTER TABLE support_conversations ADD COLUMN closed_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
