-- Maintenance windows and the notices that announce them. Both live here, not in memory, so a window
-- and each of its pending notices survive a restart: a notice that came due while Vitals was down is
-- sent once when it is back (marked late), and a window whose end passed meanwhile is closed then.
CREATE SEQUENCE maintenance_window_number;

CREATE TABLE maintenance_window (
    id             TEXT PRIMARY KEY,                 -- M-<number>
    environment    TEXT        NOT NULL,
    services       TEXT[]      NOT NULL,             -- the services covered (all of the catalog's when opened for all)
    all_services   BOOLEAN     NOT NULL,
    starts_at      TIMESTAMPTZ NOT NULL,
    ends_at        TIMESTAMPTZ NOT NULL,             -- the planned end; an early /maintenance end moves it
    status         TEXT        NOT NULL,             -- SCHEDULED | ACTIVE | ENDED | CANCELLED
    reason         TEXT        NOT NULL,
    opened_by      TEXT        NOT NULL,
    closed_by      TEXT,
    notice_channel TEXT,                             -- the notice message edited as the window progresses
    notice_message TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX maintenance_window_env ON maintenance_window (environment, ends_at);
CREATE INDEX maintenance_window_status ON maintenance_window (status);

CREATE TABLE maintenance_notice (
    id         BIGSERIAL PRIMARY KEY,
    window_id  TEXT        NOT NULL REFERENCES maintenance_window (id),
    kind       TEXT        NOT NULL,                 -- scheduled | reminder | start | ending-soon | completion | cancelled | extended
    due_at     TIMESTAMPTZ NOT NULL,
    lead       TEXT,                                 -- for a reminder: how long before the start, e.g. 30m
    sent_at    TIMESTAMPTZ,
    late       BOOLEAN     NOT NULL DEFAULT FALSE,
    message_id TEXT
);
CREATE INDEX maintenance_notice_due ON maintenance_notice (due_at) WHERE sent_at IS NULL;
CREATE INDEX maintenance_notice_window ON maintenance_notice (window_id, id);
