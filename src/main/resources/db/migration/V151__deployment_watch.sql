-- The post-deploy watch of each SUCCEEDED deployment (seed 001's 24-hour schedule, from the catalog's
-- monitoring phases): when its next check is due, in PostgreSQL so the watch survives restarts.
CREATE TABLE deployment_watch (
    deployment_id  TEXT PRIMARY KEY,
    service        TEXT        NOT NULL,
    environment    TEXT        NOT NULL,
    version        TEXT        NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    next_at        TIMESTAMPTZ,                 -- null once it is done or replaced
    status         TEXT        NOT NULL,        -- WATCHING | DONE | REPLACED
    checks         INT         NOT NULL DEFAULT 0,
    failures       INT         NOT NULL DEFAULT 0,
    thread_channel TEXT,
    thread_id      TEXT
);
CREATE INDEX deployment_watch_due ON deployment_watch (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX deployment_watch_service ON deployment_watch (service, environment) WHERE status = 'WATCHING';
