package dev.vitals.incident;

import dev.vitals.catalog.Severity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Incidents, their timelines, linked deployments and alerts in PostgreSQL. */
@Repository
class IncidentStore {
    private final JdbcClient jdbc;

    IncidentStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Entry(Instant at, String kind, String text) {
    }

    record Alert(String fingerprint, String status, String name) {
    }

    String nextId() {
        return "I-" + jdbc.sql("SELECT nextval('incident_number')").query(Long.class).single();
    }

    /** Inserts the incident; false when an open one with its source key exists already (nothing inserted). */
    boolean insert(Incident i) {
        return jdbc.sql("""
                        INSERT INTO incident (id, title, severity, status, service, environment, source, source_key,
                          commander, opened_by, opened_at, ack_deadline, escalate_at, next_update_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (source_key) WHERE status <> 'RESOLVED' DO NOTHING""")
                .params(i.id(), i.title(), i.severity().name(), i.status().name(), i.service(), i.environment(),
                        i.source(), i.sourceKey(), i.commander(), i.openedBy(), ts(i.openedAt()), ts(i.ackDeadline()),
                        ts(i.escalateAt()), ts(i.nextUpdateAt()))
                .update() == 1;
    }

    void update(Incident i) {
        jdbc.sql("""
                        UPDATE incident SET title = ?, severity = ?, status = ?, commander = ?, ack_deadline = ?,
                          acknowledged_at = ?, acknowledged_by = ?, resolved_at = ?, summary = ?, escalated_to = ?,
                          escalate_at = ?, next_update_at = ?, postmortem = ?
                        WHERE id = ?""")
                .params(i.title(), i.severity().name(), i.status().name(), i.commander(), ts(i.ackDeadline()),
                        ts(i.acknowledgedAt()), i.acknowledgedBy(), ts(i.resolvedAt()), i.summary(), i.escalatedTo(),
                        ts(i.escalateAt()), ts(i.nextUpdateAt()), i.postmortem(), i.id())
                .update();
    }

    void setChat(String id, String channel, String message, String thread) {
        jdbc.sql("UPDATE incident SET card_channel = ?, card_message = ?, thread_id = ? WHERE id = ?")
                .params(channel, message, thread, id).update();
    }

    Optional<Incident> find(String id) {
        return jdbc.sql("SELECT * FROM incident WHERE id = ?").param(id).query(IncidentStore::incident).optional();
    }

    Optional<Incident> findForUpdate(String id) {
        return jdbc.sql("SELECT * FROM incident WHERE id = ? FOR UPDATE").param(id).query(IncidentStore::incident)
                .optional();
    }

    Optional<Incident> byThread(String threadId) {
        return jdbc.sql("SELECT * FROM incident WHERE thread_id = ?").param(threadId).query(IncidentStore::incident)
                .optional();
    }

    Optional<Incident> openBySource(String sourceKey) {
        return jdbc.sql("SELECT * FROM incident WHERE source_key = ? AND status <> 'RESOLVED'").param(sourceKey)
                .query(IncidentStore::incident).optional();
    }

    List<Incident> search(String status, int limit) {
        return jdbc.sql("""
                        SELECT * FROM incident WHERE (CAST(? AS TEXT) IS NULL OR status = ?)
                        ORDER BY opened_at DESC, id DESC LIMIT ?""")
                .params(status, status, limit).query(IncidentStore::incident).list();
    }

    List<Incident> open() {
        return jdbc.sql("SELECT * FROM incident WHERE status <> 'RESOLVED' ORDER BY opened_at, id")
                .query(IncidentStore::incident).list();
    }

    /** Open incidents of a service in an environment (or of the whole environment, with no service), oldest first. */
    List<Incident> openFor(String service, String environment) {
        return jdbc.sql("""
                        SELECT * FROM incident WHERE status <> 'RESOLVED' AND environment = ?
                          AND (service = ? OR service IS NULL) ORDER BY opened_at, id""")
                .params(environment, service).query(IncidentStore::incident).list();
    }

    /** The next incident whose escalation or update reminder is due, locked; others skip it. */
    Optional<Incident> claimDue(Instant now) {
        return jdbc.sql("""
                        SELECT * FROM incident WHERE status <> 'RESOLVED'
                          AND (escalate_at <= ? OR next_update_at <= ?)
                        ORDER BY LEAST(COALESCE(escalate_at, next_update_at), COALESCE(next_update_at, escalate_at)), id
                        LIMIT 1 FOR UPDATE SKIP LOCKED""")
                .params(ts(now), ts(now)).query(IncidentStore::incident).optional();
    }

    void addEntry(String id, Instant at, String kind, String text) {
        jdbc.sql("INSERT INTO incident_timeline (incident_id, at, kind, text) VALUES (?, ?, ?, ?)")
                .params(id, ts(at), kind, text).update();
    }

    List<Entry> timeline(String id) {
        return jdbc.sql("SELECT at, kind, text FROM incident_timeline WHERE incident_id = ? ORDER BY id").param(id)
                .query((rs, n) -> new Entry(rs.getTimestamp("at").toInstant(), rs.getString("kind"),
                        rs.getString("text")))
                .list();
    }

    /** Links a deployment; false when it was linked already. */
    boolean link(String id, String deploymentId, Instant at) {
        return jdbc.sql("""
                        INSERT INTO incident_deployment (incident_id, deployment_id, linked_at) VALUES (?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(id, deploymentId, ts(at)).update() == 1;
    }

    List<String> deployments(String id) {
        return jdbc.sql("SELECT deployment_id FROM incident_deployment WHERE incident_id = ? ORDER BY linked_at, deployment_id")
                .param(id).query(String.class).list();
    }

    /** Records an alert's status; true when it is new or its status changed (worth a timeline entry). */
    boolean alert(String id, String fingerprint, String status, String name, Instant at) {
        return jdbc.sql("""
                        INSERT INTO incident_alert (incident_id, fingerprint, status, name, updated_at)
                        VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (incident_id, fingerprint) DO UPDATE SET status = EXCLUDED.status,
                          updated_at = EXCLUDED.updated_at
                        WHERE incident_alert.status <> EXCLUDED.status""")
                .params(id, fingerprint, status, name, ts(at)).update() == 1;
    }

    List<Alert> alerts(String id) {
        return jdbc.sql("SELECT fingerprint, status, name FROM incident_alert WHERE incident_id = ? ORDER BY fingerprint")
                .param(id).query((rs, n) -> new Alert(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    private static Incident incident(ResultSet rs, int n) throws SQLException {
        return new Incident(rs.getString("id"), rs.getString("title"), Severity.valueOf(rs.getString("severity")),
                Incident.Status.valueOf(rs.getString("status")), rs.getString("service"), rs.getString("environment"),
                rs.getString("source"), rs.getString("source_key"), rs.getString("commander"),
                rs.getString("opened_by"), instant(rs, "opened_at"), instant(rs, "ack_deadline"),
                instant(rs, "acknowledged_at"), rs.getString("acknowledged_by"), instant(rs, "resolved_at"),
                rs.getString("summary"), rs.getString("escalated_to"), instant(rs, "escalate_at"),
                instant(rs, "next_update_at"), rs.getString("card_channel"), rs.getString("card_message"),
                rs.getString("thread_id"), rs.getString("postmortem"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
