-- When an attack's automatic session revocation happened: the cap on revocations per window
-- counts these. An attack row now holds its latest episode: a repeat after a quiet period starts
-- over (first_seen, failures, revocation).
ALTER TABLE attack ADD COLUMN sessions_revoked_at TIMESTAMPTZ;
CREATE INDEX attack_sessions_revoked_at ON attack (sessions_revoked_at)
    WHERE sessions_revoked_at IS NOT NULL;
