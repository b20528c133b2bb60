/**
 * Incidents: P0–P3 incidents with a card in the environment's incidents channel and a thread, the one
 * on-call ping, acknowledgement deadlines from the catalog (seed 004), one escalation along the catalog's
 * chain when a deadline passes unacknowledged, update reminders, a timeline of everything said and done,
 * and a Markdown post-mortem draft on resolve.
 *
 * <p>Incidents open by hand ({@code /incident open}), from a failed or rolled-back deployment in an
 * environment the catalog names ({@code incidents.open-on-failure}, heard as the deploy module's durable
 * {@link dev.vitals.deploy.DeploymentStatusChanged}), and from Prometheus Alertmanager
 * ({@code POST /api/webhooks/alertmanager}: one incident per {@code groupKey}, alerts by {@code fingerprint}).
 * State and timers are rows in PostgreSQL; each change is one transaction (the row locked, the timeline
 * entry written); the timer acts on the active Vitals only. Chat follows the committed change.
 *
 * <p>API: it implements the deploy module's {@link dev.vitals.deploy.IncidentGate} (an open P0/P1 on a
 * service blocks its deploys at preflight, not its rollbacks) and the dashboard's
 * {@link dev.vitals.dashboard.IncidentBoard}. HTTP: {@code GET /api/incidents[?status=]},
 * {@code GET /api/incidents/{id}}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Incident")
package dev.vitals.incident;
