/**
 * The read-only operations dashboard: live services per environment, deployments with a timeline of
 * their steps, locks and freezes, maintenance windows, incidents with their acknowledgement deadlines,
 * and the audit log with its verification. It owns the small read ports ({@link
 * dev.vitals.dashboard.DeploymentBoard}, {@link dev.vitals.dashboard.MaintenanceBoard}, {@link
 * dev.vitals.dashboard.IncidentBoard}, {@link dev.vitals.dashboard.AuditBoard}) that the features
 * holding the data implement, so it depends on none of them.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Dashboard")
package dev.vitals.dashboard;
