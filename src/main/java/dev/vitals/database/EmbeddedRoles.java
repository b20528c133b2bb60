package dev.vitals.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The two roles of the embedded database, created by its superuser before migrations run: the owner,
 * which the migrations run as and which owns every table, and the application role Vitals works as,
 * which gets only what migration V45 grants it (no UPDATE, DELETE or TRUNCATE on the audit log).
 * Tables created by earlier versions of Vitals, which ran everything as the superuser, pass to the
 * owner. Authentication stays the embedded server's trust on loopback: the database is reachable
 * only from this host, and what the split protects against is Vitals' own connection rewriting
 * history, not other local users (the HMAC key and the anchor outside the database cover those).
 */
final class EmbeddedRoles {
    static final String OWNER = "vitals_owner";
    static final String APP = "vitals_app";

    private EmbeddedRoles() {
    }

    static void ensure(DataSource superuser) {
        try (Connection c = superuser.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    DO $$
                    BEGIN
                        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1$s') THEN
                            CREATE ROLE %1$s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
                        END IF;
                        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%2$s') THEN
                            CREATE ROLE %2$s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
                        END IF;
                    END
                    $$""".formatted(OWNER, APP));
            s.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + OWNER);
            // Objects the superuser made before there was an owner role; a table's indexes and the
            // sequences of its serial columns follow it.
            s.execute("""
                    DO $$
                    DECLARE o record;
                    BEGIN
                        FOR o IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                 WHERE n.nspname = 'public' AND c.relowner <> '%1$s'::regrole
                                   AND c.relkind IN ('r', 'p', 'v', 'm') LOOP
                            EXECUTE format('ALTER TABLE public.%%I OWNER TO %1$s', o.relname);
                        END LOOP;
                        FOR o IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                 WHERE n.nspname = 'public' AND c.relowner <> '%1$s'::regrole AND c.relkind = 'S' LOOP
                            EXECUTE format('ALTER SEQUENCE public.%%I OWNER TO %1$s', o.relname);
                        END LOOP;
                        FOR o IN SELECT p.oid::regprocedure AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                                 WHERE n.nspname = 'public' AND p.proowner <> '%1$s'::regrole LOOP
                            EXECUTE format('ALTER ROUTINE %%s OWNER TO %1$s', o.f);
                        END LOOP;
                    END
                    $$""".formatted(OWNER));
        } catch (SQLException e) {
            throw new IllegalStateException("could not set up the roles " + OWNER + " and " + APP
                    + " in the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
