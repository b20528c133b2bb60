/**
 * The connection to PostgreSQL: a server named by {@code VITALS_DATABASE_URL} (or Spring's datasource
 * properties), otherwise an embedded PostgreSQL whose data is kept under {@code ~/.vitals/}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Database")
package dev.vitals.database;
