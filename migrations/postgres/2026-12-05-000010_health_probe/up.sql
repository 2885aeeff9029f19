-- One row the health check updates, so /healthz proves a write commits
-- (a full disk or a read-only database fails it), not only that a read works.
CREATE TABLE health_probe (
    id BIGINT PRIMARY KEY,
    probes BIGINT NOT NULL
);
INSERT INTO health_probe (id, probes) VALUES (1, 0);
