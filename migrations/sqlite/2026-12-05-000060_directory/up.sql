-- The directory of local support: services, groups and activities, per
-- community (community_id) or instance-wide (NULL). A suggestion stays
-- 'suggested' (seen by its author and the reviewers) until approved.
CREATE TABLE directory_entries (
    id INTEGER PRIMARY KEY,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    suggested_by BIGINT REFERENCES users (id),
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    description TEXT NOT NULL,
    description_html TEXT NOT NULL,
    -- Who it is for, referral, cost, address, area served, online, contact,
    -- opening times and accessibility, as JSON: shown, never filtered on.
    details TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    -- '|walking|mental-health|': whole categories match with LIKE '%|walking|%'.
    categories TEXT NOT NULL,
    -- Lower-cased name, organisation, description and categories, for word search.
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    reviewed_at BIGINT,
    reviewed_by BIGINT REFERENCES users (id)
);
-- A search reads approved entries by latitude band (distance) or all of them.
CREATE INDEX directory_entries_by_place ON directory_entries (status, latitude);
CREATE INDEX directory_entries_by_community ON directory_entries (community_id, status);
CREATE INDEX directory_entries_by_review ON directory_entries (status, reviewed_at);

-- A member's own list of entries they saved.
CREATE TABLE directory_saves (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    entry_id BIGINT NOT NULL REFERENCES directory_entries (id) ON DELETE CASCADE,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, entry_id)
);
