-- Incidents, their timelines, the deployments linked to them and the alerts that opened or joined them.
-- Their timers (acknowledgement deadline, one escalation, update reminders) are columns here, not
-- in memory, so they survive a restart and only the active Vitals acts on them.
CREATE SEQUENCE incident_number;

CREATE TABLE incident (
    id                 TEXT PRIMARY KEY,                 -- I-<number>
    title              TEXT        NOT NULL,
    severity           TEXT        NOT NULL,             -- P0 | P1 | P2 | P3
    status             TEXT        NOT NULL,             -- OPEN | ACKNOWLEDGED | RESOLVED
    service            TEXT,
    environment        TEXT        NOT NULL,
    source             TEXT        NOT NULL,             -- manual | deployment | health | alertmanager
    source_key         TEXT,                             -- what opened it: a groupKey, a deployment id (idempotency)
    commander          TEXT,
    opened_by          TEXT        NOT NULL,
    opened_at          TIMESTAMPTZ NOT NULL,
    ack_deadline       TIMESTAMPTZ NOT NULL,
    acknowledged_at    TIMESTAMPTZ,
    acknowledged_by    TEXT,
    resolved_at        TIMESTAMPTZ,
    summary            TEXT,
    escalated_to       TEXT,                             -- the role the one escalation went to, once it did
    escalate_at        TIMESTAMPTZ,                      -- the deadline while unacknowledged and not yet escalated
    next_update_at     TIMESTAMPTZ,                      -- the next update reminder while open
    card_channel       TEXT,
    card_message       TEXT,
    thread_id          TEXT,
    postmortem         TEXT
);
-- One open incident per source key: repeated deliveries of an Alertmanager group, or of a deployment's
-- failure, find the incident instead of opening another. A group that fires again after it resolved opens anew.
CREATE UNIQUE INDEX incident_open_source ON incident (source_key) WHERE status <> 'RESOLVED';
CREATE INDEX incident_status ON incident (status);
CREATE INDEX incident_escalate ON incident (escalate_at) WHERE escalate_at IS NOT NULL;
CREATE INDEX incident_update ON incident (next_update_at) WHERE next_update_at IS NOT NULL;

CREATE TABLE incident_timeline (
    id          BIGSERIAL PRIMARY KEY,
    incident_id TEXT        NOT NULL REFERENCES incident (id),
    at          TIMESTAMPTZ NOT NULL,
    kind        TEXT        NOT NULL,                    -- opened | ack | update | severity | commander | escalation | ...
    text        TEXT        NOT NULL
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, id);

CREATE TABLE incident_deployment (
    incident_id   TEXT        NOT NULL REFERENCES incident (id),
    deployment_id TEXT        NOT NULL,
    linked_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, deployment_id)
);

CREATE TABLE incident_alert (
    incident_id TEXT        NOT NULL REFERENCES incident (id),
    fingerprint TEXT        NOT NULL,
    status      TEXT        NOT NULL,                    -- firing | resolved
    name        TEXT        NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, fingerprint)
);
