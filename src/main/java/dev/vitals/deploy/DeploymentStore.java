package dev.vitals.deploy;

import dev.vitals.catalog.Risk;
import dev.vitals.catalog.Strategy;
import dev.vitals.deploy.StepRecord.StepStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Deployments, steps and locks in PostgreSQL. */
@Repository
class DeploymentStore {
    private final JdbcClient jdbc;

    DeploymentStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    String nextId() {
        return "D-" + jdbc.sql("SELECT nextval('deployment_number')").query(Long.class).single();
    }

    void insert(Deployment d) {
        jdbc.sql("""
                        INSERT INTO deployment (id, kind, service, environment, version, image, image_digest, risk,
                          strategy, status, requested_by, reason, not_before, previous_version, card_channel,
                          card_message, thread_id, detail, created_at, updated_at, finished_at, rule)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(d.id(), d.kind().name(), d.service(), d.environment(), d.version(), d.image(), d.imageDigest(),
                        d.risk().name(), d.strategy().name(), d.status().name(), d.requestedBy(), d.reason(),
                        ts(d.notBefore()), d.previousVersion(), d.cardChannel(), d.cardMessage(), d.threadId(),
                        d.detail(), ts(d.createdAt()), ts(d.updatedAt()), ts(d.finishedAt()), d.rule())
                .update();
    }

    /** Writes a transition only if the deployment is still in {@code expected}; false when it moved on. */
    boolean transition(Deployment d, DeploymentStatus expected) {
        return jdbc.sql("""
                        UPDATE deployment SET status = ?, detail = ?, updated_at = ?, finished_at = ?
                        WHERE id = ? AND status = ?""")
                .params(d.status().name(), d.detail(), ts(d.updatedAt()), ts(d.finishedAt()), d.id(), expected.name())
                .update() == 1;
    }

    void updateChat(Deployment d) {
        jdbc.sql("UPDATE deployment SET card_channel = ?, card_message = ?, thread_id = ? WHERE id = ?")
                .params(d.cardChannel(), d.cardMessage(), d.threadId(), d.id()).update();
    }

    Optional<Deployment> find(String id) {
        return jdbc.sql("SELECT * FROM deployment WHERE id = ?").param(id).query(DeploymentStore::row).optional();
    }

    /** The deployments with these ids that exist, by id: one query however many. */
    java.util.Map<String, Deployment> findAll(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        return jdbc.sql("SELECT * FROM deployment WHERE id IN (:ids)").param("ids", java.util.List.copyOf(ids))
                .query(DeploymentStore::row).list().stream()
                .collect(java.util.stream.Collectors.toMap(Deployment::id, d -> d));
    }

    Optional<Deployment> findByCard(String messageId) {
        return jdbc.sql("SELECT * FROM deployment WHERE card_message = ?").param(messageId)
                .query(DeploymentStore::row).optional();
    }

    List<Deployment> withStatus(DeploymentStatus status) {
        return jdbc.sql("SELECT * FROM deployment WHERE status = ? ORDER BY created_at").param(status.name())
                .query(DeploymentStore::row).list();
    }

    List<Deployment> search(String service, String environment, String status, int limit) {
        return jdbc.sql("""
                        SELECT * FROM deployment
                        WHERE (CAST(? AS TEXT) IS NULL OR service = ?)
                          AND (CAST(? AS TEXT) IS NULL OR environment = ?)
                          AND (CAST(? AS TEXT) IS NULL OR status = ?)
                        ORDER BY created_at DESC, id DESC LIMIT ?""")
                .params(service, service, environment, environment, status, status, limit)
                .query(DeploymentStore::row).list();
    }

    Optional<Deployment> lastSucceeded(String service, String environment) {
        return jdbc.sql("""
                        SELECT * FROM deployment WHERE service = ? AND environment = ? AND status = 'SUCCEEDED'
                        ORDER BY finished_at DESC LIMIT 1""")
                .params(service, environment).query(DeploymentStore::row).optional();
    }

    int startStep(String deploymentId, String name, Instant at) {
        return insertStep(deploymentId, name, StepStatus.RUNNING, null, at, null);
    }

    /** Records a step that was skipped (it had nothing to do) as started and finished at {@code at}. */
    int skippedStep(String deploymentId, String name, String detail, Instant at) {
        return insertStep(deploymentId, name, StepStatus.SKIPPED, detail, at, at);
    }

    /** The deployment's next step, numbered after its last one in the same statement; returns its number. */
    private int insertStep(String deploymentId, String name, StepStatus status, String detail, Instant started,
                           Instant finished) {
        return jdbc.sql("""
                        INSERT INTO deployment_step (deployment_id, seq, name, status, detail, started_at, finished_at)
                        SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ? FROM deployment_step WHERE deployment_id = ?
                        RETURNING seq""")
                .params(deploymentId, name, status.name(), detail, ts(started), finished == null ? null : ts(finished),
                        deploymentId)
                .query(Integer.class).single();
    }

    void finishStep(String deploymentId, int seq, StepStatus status, String detail, Instant at) {
        jdbc.sql("UPDATE deployment_step SET status = ?, detail = ?, finished_at = ? WHERE deployment_id = ? AND seq = ?")
                .params(status.name(), detail, ts(at), deploymentId, seq).update();
    }

    List<StepRecord> steps(String deploymentId) {
        return jdbc.sql("SELECT * FROM deployment_step WHERE deployment_id = ? ORDER BY seq").param(deploymentId)
                .query((rs, n) -> new StepRecord(rs.getInt("seq"), rs.getString("name"),
                        StepStatus.valueOf(rs.getString("status")), instant(rs, "started_at"),
                        instant(rs, "finished_at"), rs.getString("detail")))
                .list();
    }

    /**
     * Takes the per service × environment lock for {@code deploymentId} with one conditional insert, in the
     * caller's transaction: true only when this insert took it. A lock already held, by another deployment
     * or (left over) by this one, is never treated as taken here.
     */
    boolean lock(String service, String environment, String deploymentId, Instant at) {
        return jdbc.sql("""
                        INSERT INTO deploy_lock (service, environment, deployment_id, acquired_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(service, environment, deploymentId, ts(at)).update() == 1;
    }

    /**
     * Claims the next due deployment for the caller's transaction: the row stays locked until it ends, and
     * rows another process (or thread) has claimed are skipped, so two schedulers never start one twice.
     * SCHEDULED ones are due at their time; APPROVED ones that wait are due when their lock is free.
     */
    Optional<Deployment> claimDue(DeploymentStatus status, Instant now, java.util.Collection<String> skip) {
        return jdbc.sql("""
                        SELECT * FROM deployment d
                        WHERE d.status = ?
                          AND (d.status <> 'SCHEDULED' OR d.not_before IS NULL OR d.not_before <= ?)
                          AND (d.status <> 'APPROVED' OR NOT EXISTS (SELECT 1 FROM deploy_lock l
                                 WHERE l.service = d.service AND l.environment = d.environment))
                          AND NOT (d.id = ANY (?))
                        ORDER BY d.updated_at, d.id
                        LIMIT 1
                        FOR UPDATE OF d SKIP LOCKED""")
                .params(status.name(), ts(now), skip.toArray(String[]::new))
                .query(DeploymentStore::row).optional();
    }

    /** Reads a deployment and holds its row until the caller's transaction ends (others wait). */
    Optional<Deployment> findForUpdate(String id) {
        return jdbc.sql("SELECT * FROM deployment WHERE id = ? FOR UPDATE").param(id).query(DeploymentStore::row)
                .optional();
    }

    Optional<String> lockHolder(String service, String environment) {
        return jdbc.sql("SELECT deployment_id FROM deploy_lock WHERE service = ? AND environment = ?")
                .params(service, environment).query(String.class).optional();
    }

    /** Releases the lock this deployment holds, and no other. */
    void unlock(String deploymentId) {
        jdbc.sql("DELETE FROM deploy_lock WHERE deployment_id = ?").param(deploymentId).update();
    }

    /** Every deployment lock held now: service, environment, the deployment holding it, since when. */
    List<Freeze> heldLocks() {
        return jdbc.sql("SELECT * FROM deploy_lock ORDER BY acquired_at")
                .query((rs, n) -> new Freeze(rs.getString("service"), rs.getString("environment"),
                        rs.getString("deployment_id"), null, instant(rs, "acquired_at")))
                .list();
    }

    List<Freeze> freezes() {
        return jdbc.sql("SELECT * FROM service_freeze ORDER BY created_at")
                .query((rs, n) -> new Freeze(rs.getString("service"), rs.getString("environment"), rs.getString("owner"),
                        rs.getString("reason"), instant(rs, "created_at")))
                .list();
    }

    Optional<Freeze> freeze(String service, String environment) {
        return jdbc.sql("SELECT * FROM service_freeze WHERE service = ? AND environment = ?")
                .params(service, environment)
                .query((rs, n) -> new Freeze(rs.getString("service"), rs.getString("environment"), rs.getString("owner"),
                        rs.getString("reason"), instant(rs, "created_at")))
                .optional();
    }

    boolean addFreeze(Freeze f) {
        return jdbc.sql("""
                        INSERT INTO service_freeze (service, environment, owner, reason, created_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(f.service(), f.environment(), f.owner(), f.reason(), ts(f.since())).update() == 1;
    }

    boolean removeFreeze(String service, String environment) {
        return jdbc.sql("DELETE FROM service_freeze WHERE service = ? AND environment = ?")
                .params(service, environment).update() == 1;
    }

    record Freeze(String service, String environment, String owner, String reason, Instant since) {
    }

    private static Deployment row(ResultSet rs, int n) throws SQLException {
        return new Deployment(rs.getString("id"), Deployment.Kind.valueOf(rs.getString("kind")), rs.getString("service"),
                rs.getString("environment"), rs.getString("version"), rs.getString("image"),
                rs.getString("image_digest"), Risk.valueOf(rs.getString("risk")),
                Strategy.valueOf(rs.getString("strategy")), DeploymentStatus.valueOf(rs.getString("status")),
                rs.getString("requested_by"), rs.getString("reason"), instant(rs, "not_before"),
                rs.getString("previous_version"), rs.getString("card_channel"), rs.getString("card_message"),
                rs.getString("thread_id"), rs.getString("detail"), instant(rs, "created_at"),
                instant(rs, "updated_at"), instant(rs, "finished_at"), rs.getString("rule"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
