-- Vitals works as an application role that may read and write its tables but can only add to the
-- audit log; the migrations (and only they) run as the owner of the schema. The role is named by the
-- Flyway placeholder appRole: vitals_app in embedded mode, the datasource user on a server when an
-- owner user is configured (VITALS_DATABASE_OWNER_USER). Without a separate role (one user for
-- everything, as before) this migration changes nothing.
DO $$
DECLARE
    app CONSTANT text := '${appRole}';
BEGIN
    IF app = '' OR app = current_user OR NOT EXISTS (SELECT FROM pg_roles WHERE rolname = app) THEN
        RAISE NOTICE 'no separate application role (%): Vitals works as the owner', app;
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', app);
    -- Tables and sequences that later migrations create (as this same owner) are usable the same way.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', app);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', app);
    -- The audit log: add and read only. The append-only triggers stay for the owner's own mistakes.
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM %I', app);
    -- Flyway's history is the owner's business.
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON flyway_schema_history FROM %I', app);
END
$$;
