package dev.vitals.database;

import java.sql.SQLTransientConnectionException;

/**
 * Tells a pool that is only busy from a database that does not answer. When every connection is in
 * use for the pool's whole wait, HikariCP throws a {@link SQLTransientConnectionException} without a
 * cause; when PostgreSQL cannot be reached, the same exception carries the last connection failure.
 * The two deserve different answers: "try again in a few seconds" is true of the first only.
 */
public final class DatabaseBusy {
    private DatabaseBusy() {
    }

    /** True when {@code failure} comes from waiting for a free connection of a pool that reaches its database. */
    public static boolean isPoolExhausted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException e) {
                return e.getCause() == null && e.getMessage() != null
                        && e.getMessage().contains("Connection is not available");
            }
        }
        return false;
    }
}
