-- auth-guard's own schema: IP blocks and classified attacks, shared by all replicas.
CREATE TABLE ip_block (
    id          BIGSERIAL PRIMARY KEY,
    ip          TEXT        NOT NULL,
    reason      TEXT        NOT NULL,
    origin      TEXT        NOT NULL,
    created_by  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL,
    offence     INTEGER     NOT NULL,
    shadow      BOOLEAN     NOT NULL DEFAULT FALSE,
    lifted_at   TIMESTAMPTZ,
    lifted_by   TEXT,
    evidence    JSONB       NOT NULL DEFAULT '{}'::jsonb
);

-- At most one open block per IP, whichever replica writes it.
CREATE UNIQUE INDEX ip_block_one_open_per_ip ON ip_block (ip) WHERE lifted_at IS NULL;
CREATE INDEX ip_block_ip_created ON ip_block (ip, created_at);

CREATE TABLE attack (
    dedup_key         TEXT PRIMARY KEY,
    attack_class      TEXT        NOT NULL,
    subject           TEXT        NOT NULL,
    first_seen        TIMESTAMPTZ NOT NULL,
    last_seen         TIMESTAMPTZ NOT NULL,
    failures          BIGINT      NOT NULL,
    sessions_revoked  BOOLEAN     NOT NULL DEFAULT FALSE,
    shadow            BOOLEAN     NOT NULL DEFAULT FALSE,
    evidence          JSONB       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX attack_last_seen ON attack (last_seen);
