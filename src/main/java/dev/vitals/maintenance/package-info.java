/**
 * Maintenance windows: when changes with downtime may run, and the notices that announce them.
 *
 * <p>Windows and their pending notices are rows in PostgreSQL ({@code maintenance_window},
 * {@code maintenance_notice}); the {@code /maintenance} commands change them one transaction at a time
 * (serialized per environment, so overlapping windows for a service are refused), and the timer, on the
 * active Vitals only, starts and ends windows by the injected clock and sends what is due to the
 * environment's announcements channel, earliest first, each once. A notice sent well after it was due
 * (Vitals was down) says it is late; a window whose end passed meanwhile is closed when Vitals is back.
 *
 * <p>Maintenance mode: while a window is active, each covered service with a {@code maintenance-page} in
 * the catalog is served by its page, and afterwards by its live (or newly deployed) version again; the
 * deploy module's {@link dev.vitals.deploy.MaintenancePages} API moves the traffic, asked every tick until
 * it is done ({@code maintenance_window.pages_done}).
 *
 * <p>API: it implements the deploy module's {@link dev.vitals.deploy.MaintenanceWindows} port (the gate
 * for recreate and high-risk production deploys) and publishes {@link
 * dev.vitals.maintenance.MaintenanceWindowChanged} and {@link dev.vitals.maintenance.MaintenanceNoticeSent}
 * for the audit log. HTTP: {@code GET /api/maintenance} and {@code GET /api/maintenance.ics}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Maintenance")
package dev.vitals.maintenance;
