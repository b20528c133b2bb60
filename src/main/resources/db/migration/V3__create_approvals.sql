-- Sign-off on deployments: who approved (for which role slot and which image digest), who rejected,
-- which checklist items were ticked. Rows are never deleted: a withdrawn or lapsed approval keeps its
-- row with the time it stopped counting, so the record of who agreed to what stays whole.
CREATE TABLE approval (
    id            BIGSERIAL PRIMARY KEY,
    deployment_id TEXT        NOT NULL REFERENCES deployment (id),
    user_name     TEXT        NOT NULL,
    roles         TEXT        NOT NULL,              -- the roles of the policy the approver held, comma-separated
    role          TEXT,                              -- the slot it fills at the last count; null when none
    image_digest  TEXT        NOT NULL,              -- the digest it was given for; it counts for no other
    via           TEXT        NOT NULL,              -- reaction | button | command
    at            TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ,                       -- the approver withdrew it (removed their ✅)
    lapsed_at     TIMESTAMPTZ                        -- it expired before the sign-off was complete
);
-- One approval in force per person and deployment; giving it again after a withdrawal adds a row.
CREATE UNIQUE INDEX approval_in_force ON approval (deployment_id, user_name)
    WHERE revoked_at IS NULL AND lapsed_at IS NULL;

CREATE TABLE rejection (
    deployment_id TEXT PRIMARY KEY REFERENCES deployment (id),
    user_name     TEXT        NOT NULL,
    roles         TEXT        NOT NULL,
    reason        TEXT,
    via           TEXT        NOT NULL,
    at            TIMESTAMPTZ NOT NULL
);

CREATE TABLE checklist_tick (
    deployment_id TEXT        NOT NULL REFERENCES deployment (id),
    item          TEXT        NOT NULL,
    user_name     TEXT        NOT NULL,              -- 'vitals' for the items Vitals verifies itself
    at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (deployment_id, item)
);

-- Whom Vitals already told in a deployment's thread that their sign-off does not count, so that a
-- repeated reaction or click is not answered again (also after a restart).
CREATE TABLE sign_off_notice (
    deployment_id TEXT        NOT NULL REFERENCES deployment (id),
    user_name     TEXT        NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (deployment_id, user_name)
);
