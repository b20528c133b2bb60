/**
 * Health: the checks Vitals runs on a live service now ({@code /health <service> [env]}: the engine's health
 * state of each serving container, and the service's smoke hook if it has one), and the post-deploy watch
 * that runs them on the catalog's {@code monitoring} schedule after each SUCCEEDED deployment (seed 001:
 * every 30 minutes to hour 4, hourly to hour 12, every 4 hours to hour 24), posting each result into the
 * deployment's thread. The watch is a row in PostgreSQL ({@code deployment_watch}), so it survives
 * restarts; only the active Vitals runs it; it stops when a newer deployment replaces the version it watches.
 *
 * <p>API: publishes {@link dev.vitals.health.WatchCheckFailed} (durable), which the incident module turns
 * into an incident linked to the deployment.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Health")
package dev.vitals.health;
