-- What each deployment did to the engine, written as it happens, so that reconciliation after a crash
-- works from the deployment's own records rather than from container labels (a kept container that a
-- rollback reuses carries the label of the deployment that created it).

-- The containers a deployment touched and how: previous (served when it began), created, reused (a
-- kept container it moves traffic to), restarted (a kept stopped container it started), stopped (an
-- old serving container it stopped: recreate), retired (an older standby it stopped and kept).
CREATE TABLE deployment_container (
    deployment_id TEXT        NOT NULL REFERENCES deployment (id),
    container_id  TEXT        NOT NULL,
    role          TEXT        NOT NULL,
    name          TEXT,
    recorded_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (deployment_id, container_id, role)
);

-- Every traffic move, recorded as INTENDED before it is made and DONE after; UNDONE once reversed.
-- A move left INTENDED was interrupted half-way: reconciliation finishes or reverses it.
CREATE TABLE deployment_traffic_move (
    deployment_id  TEXT        NOT NULL REFERENCES deployment (id),
    seq            INT         NOT NULL,
    from_container TEXT,
    to_container   TEXT        NOT NULL,
    state          TEXT        NOT NULL,
    intended_at    TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (deployment_id, seq)
);
