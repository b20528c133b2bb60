-- The audit log: append-only, every entry carrying the hash of the one before it, so that a changed,
-- removed or inserted entry breaks the chain where it happened (see dev.vitals.audit.AuditHash for
-- exactly what is hashed, so an auditor can recompute it without Vitals).
CREATE TABLE audit (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT,
    action    TEXT        NOT NULL,
    channel   TEXT,
    service   TEXT,                       -- the catalog service the entry concerns, when there is one
    subject   TEXT,                       -- what it is about, e.g. a deployment id
    before    TEXT,
    after     TEXT,
    detail    TEXT,
    prev_hash TEXT,                       -- null only for the very first entry
    hash      TEXT        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
-- Two entries naming the same predecessor would fork the chain; the database refuses that even from a
-- writer that does not take the append lock (coalesce: only one entry may start the chain).
CREATE UNIQUE INDEX audit_one_successor ON audit ((coalesce(prev_hash, '')));
CREATE INDEX audit_at ON audit (at, id);
CREATE INDEX audit_service ON audit (service, id) WHERE service IS NOT NULL;
CREATE INDEX audit_subject ON audit (subject) WHERE subject IS NOT NULL;

CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- An integrity violation (23001), which drivers and Spring report as such rather than as bad SQL.
    RAISE EXCEPTION 'the audit log is append-only: % on audit is refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Entries are never changed or removed; record a correction as a new entry.';
END;
$$;

CREATE TRIGGER audit_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();

CREATE TRIGGER audit_no_truncate
    BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();
