-- Each incident report a service sends carries an id; a report delivered twice (the sender's
-- outbox crashed between the delivery and its bookkeeping) is applied once. Rows older than the
-- retention are deleted by IncidentService.
CREATE TABLE incident_report_applied (
    report_id   TEXT        PRIMARY KEY,
    incident_id BIGINT      NOT NULL REFERENCES incident (id),
    applied_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX incident_report_applied_at ON incident_report_applied (applied_at);
