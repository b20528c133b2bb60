package dev.vitals.approval;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Approvals, rejections, checklist ticks and the "told once" notices in PostgreSQL. */
@Repository
class ApprovalStore {
    private final JdbcClient jdbc;

    ApprovalStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An approval row; {@code role} is the slot it filled at the last count (null when none). */
    record Row(long id, String deploymentId, String user, Set<String> roles, String role, String imageDigest,
               String via, Instant at, Instant revokedAt, Instant lapsedAt) {

        Quorum.Approval approval() {
            return new Quorum.Approval(user, roles, at, imageDigest);
        }
    }

    record Tick(String item, String user, Instant at) {
    }

    record Rejection(String user, Set<String> roles, String reason, String via, Instant at) {
    }

    /** Records an approval; false when the person already has one in force for the deployment. */
    boolean grant(String deploymentId, String user, Set<String> roles, String imageDigest, String via, Instant at) {
        return jdbc.sql("""
                        INSERT INTO approval (deployment_id, user_name, roles, image_digest, via, at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (deployment_id, user_name) WHERE revoked_at IS NULL AND lapsed_at IS NULL
                        DO NOTHING""")
                .params(deploymentId, user, String.join(",", new TreeSet<>(roles)), imageDigest, via, ts(at))
                .update() == 1;
    }

    /** The approvals in force (neither withdrawn nor lapsed), oldest first. */
    List<Row> inForce(String deploymentId) {
        return jdbc.sql("""
                        SELECT * FROM approval WHERE deployment_id = ? AND revoked_at IS NULL AND lapsed_at IS NULL
                        ORDER BY at, id""")
                .param(deploymentId).query(ApprovalStore::row).list();
    }

    Optional<Row> inForce(String deploymentId, String user) {
        return jdbc.sql("""
                        SELECT * FROM approval WHERE deployment_id = ? AND user_name = ?
                          AND revoked_at IS NULL AND lapsed_at IS NULL""")
                .params(deploymentId, user).query(ApprovalStore::row).optional();
    }

    /** Withdraws the person's approval in force; empty when they had none. */
    Optional<Row> revoke(String deploymentId, String user, Instant at) {
        return jdbc.sql("""
                        UPDATE approval SET revoked_at = ?
                        WHERE deployment_id = ? AND user_name = ? AND revoked_at IS NULL AND lapsed_at IS NULL
                        RETURNING *""")
                .params(ts(at), deploymentId, user).query(ApprovalStore::row).optional();
    }

    /** Marks an approval as expired; false when it was withdrawn or marked meanwhile. */
    boolean lapse(long id, Instant at) {
        return jdbc.sql("UPDATE approval SET lapsed_at = ? WHERE id = ? AND revoked_at IS NULL AND lapsed_at IS NULL")
                .params(ts(at), id).update() == 1;
    }

    /** Remembers which slot an approval fills now, so the record shows it once the sign-off is over. */
    void assign(long id, String role) {
        jdbc.sql("UPDATE approval SET role = ? WHERE id = ? AND role IS DISTINCT FROM ?").params(role, id, role).update();
    }

    /** Records the rejection; false when the deployment was rejected already. */
    boolean reject(String deploymentId, String user, Set<String> roles, String reason, String via, Instant at) {
        return jdbc.sql("""
                        INSERT INTO rejection (deployment_id, user_name, roles, reason, via, at) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(deploymentId, user, String.join(",", new TreeSet<>(roles)), reason, via, ts(at))
                .update() == 1;
    }

    Optional<Rejection> rejection(String deploymentId) {
        return jdbc.sql("SELECT * FROM rejection WHERE deployment_id = ?").param(deploymentId)
                .query((rs, n) -> new Rejection(rs.getString("user_name"), roles(rs.getString("roles")),
                        rs.getString("reason"), rs.getString("via"), instant(rs, "at")))
                .optional();
    }

    /** Ticks a checklist item; false when it was ticked already. */
    boolean tick(String deploymentId, String item, String user, Instant at) {
        return jdbc.sql("""
                        INSERT INTO checklist_tick (deployment_id, item, user_name, at) VALUES (?, ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(deploymentId, item, user, ts(at)).update() == 1;
    }

    List<Tick> ticks(String deploymentId) {
        return jdbc.sql("SELECT * FROM checklist_tick WHERE deployment_id = ? ORDER BY at, item").param(deploymentId)
                .query((rs, n) -> new Tick(rs.getString("item"), rs.getString("user_name"), instant(rs, "at")))
                .list();
    }

    /** True the first time a person is told about a deployment, false ever after. */
    boolean firstNotice(String deploymentId, String user, Instant at) {
        return jdbc.sql("""
                        INSERT INTO sign_off_notice (deployment_id, user_name, at) VALUES (?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(deploymentId, user, ts(at)).update() == 1;
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getLong("id"), rs.getString("deployment_id"), rs.getString("user_name"),
                roles(rs.getString("roles")), rs.getString("role"), rs.getString("image_digest"), rs.getString("via"),
                instant(rs, "at"), instant(rs, "revoked_at"), instant(rs, "lapsed_at"));
    }

    private static Set<String> roles(String text) {
        return text == null || text.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(text.split(",")));
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
