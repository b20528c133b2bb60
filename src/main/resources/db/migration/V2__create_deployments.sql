-- Deployments and their steps. Every transition is written before Vitals acts on it, so that a
-- restarted process can tell from here (and from the engine's labels) where each one stood.
CREATE SEQUENCE deployment_number;

CREATE TABLE deployment (
    id               TEXT PRIMARY KEY,
    kind             TEXT        NOT NULL,           -- deploy | rollback
    service          TEXT        NOT NULL,
    environment      TEXT        NOT NULL,
    version          TEXT        NOT NULL,
    image            TEXT        NOT NULL,           -- repository:tag as requested
    image_digest     TEXT        NOT NULL,           -- what the tag resolved to at request time
    risk             TEXT        NOT NULL,
    strategy         TEXT        NOT NULL,
    status           TEXT        NOT NULL,
    requested_by     TEXT        NOT NULL,
    reason           TEXT,
    not_before       TIMESTAMPTZ,
    previous_version TEXT,
    card_channel     TEXT,
    card_message     TEXT,
    thread_id        TEXT,
    detail           TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ
);
CREATE INDEX deployment_service ON deployment (service, environment, created_at DESC);
CREATE INDEX deployment_status ON deployment (status);

CREATE TABLE deployment_step (
    deployment_id TEXT        NOT NULL REFERENCES deployment (id),
    seq           INT         NOT NULL,
    name          TEXT        NOT NULL,
    status        TEXT        NOT NULL,              -- RUNNING | SUCCEEDED | FAILED | SKIPPED
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    detail        TEXT,
    PRIMARY KEY (deployment_id, seq)
);

-- One deployment at a time per service and environment; the row is the lock.
CREATE TABLE deploy_lock (
    service       TEXT        NOT NULL,
    environment   TEXT        NOT NULL,
    deployment_id TEXT        NOT NULL REFERENCES deployment (id),
    acquired_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (service, environment)
);

-- A human freeze (/lock): nothing deploys to the service in the environment until /unlock.
CREATE TABLE service_freeze (
    service     TEXT        NOT NULL,
    environment TEXT        NOT NULL,
    owner       TEXT        NOT NULL,
    reason      TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (service, environment)
);
