-- error-watch's own schema: the alert state machine (survives restarts), its alerts, and deploys.
CREATE TABLE error_watch.alert_state (
    name                  text PRIMARY KEY,
    status                text NOT NULL,
    alert_id              uuid,
    pending_since         timestamptz,
    firing_since          timestamptz,
    resolve_pending_since timestamptz,
    evaluated_through     timestamptz,
    decided               boolean NOT NULL DEFAULT false,
    updated_at            timestamptz NOT NULL
);

CREATE TABLE error_watch.alert (
    id                uuid PRIMARY KEY,
    spike_started_at  timestamptz NOT NULL,
    fired_at          timestamptz NOT NULL,
    resolved_at       timestamptz,
    peak_ratio        double precision NOT NULL,
    cause             text,
    decision          text,
    rollback_requested boolean NOT NULL DEFAULT false
);

CREATE TABLE error_watch.deploy (
    id                uuid PRIMARY KEY,
    app               text NOT NULL,
    image             text,
    revision          text,
    release           text,
    previous_revision text,
    deployed_at       timestamptz NOT NULL,
    source            text NOT NULL,
    UNIQUE (app, revision)
);
CREATE INDEX deploy_deployed_at ON error_watch.deploy (deployed_at);
