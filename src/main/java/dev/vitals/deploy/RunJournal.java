package dev.vitals.deploy;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What a deployment did to the engine, written as it happens: the containers it touched and each
 * traffic move (intended before it is made, done after). Reconciliation after a crash reads these,
 * not container labels.
 */
@Repository
class RunJournal {
    private final JdbcClient jdbc;
    private final Clock clock;

    RunJournal(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** How a deployment touched a container. */
    enum Role {
        /** Served the service when the deployment began. */
        PREVIOUS,
        /** Created by the deployment. */
        CREATED,
        /** A kept container the deployment moves traffic to (a rollback). */
        REUSED,
        /** A kept, stopped container the deployment started (a rollback). */
        RESTARTED,
        /** An old serving container the deployment stopped (recreate). */
        STOPPED,
        /** An older hot standby the deployment stopped because a newer one replaced it (kept). */
        RETIRED
    }

    enum MoveState { INTENDED, DONE, UNDONE }

    record RecordedContainer(String containerId, Role role, String name) {
    }

    record RecordedMove(int seq, String from, String to, MoveState state) {
    }

    void container(String deploymentId, String containerId, Role role, String name) {
        jdbc.sql("""
                        INSERT INTO deployment_container (deployment_id, container_id, role, name, recorded_at)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(deploymentId, containerId, role.name(), name, Timestamp.from(clock.instant())).update();
    }

    List<RecordedContainer> containers(String deploymentId) {
        return jdbc.sql("SELECT * FROM deployment_container WHERE deployment_id = ? ORDER BY recorded_at, name")
                .param(deploymentId)
                .query((rs, n) -> new RecordedContainer(rs.getString("container_id"), Role.valueOf(rs.getString("role")),
                        rs.getString("name")))
                .list();
    }

    /** Records a move before it is made; returns its number. */
    int intend(String deploymentId, String from, String to) {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql("""
                        INSERT INTO deployment_traffic_move (deployment_id, seq, from_container, to_container, state,
                          intended_at, updated_at)
                        SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, 'INTENDED', ?, ?
                        FROM deployment_traffic_move WHERE deployment_id = ?
                        RETURNING seq""")
                .params(deploymentId, from, to, now, now, deploymentId).query(Integer.class).single();
    }

    void moved(String deploymentId, int seq, MoveState state) {
        jdbc.sql("UPDATE deployment_traffic_move SET state = ?, updated_at = ? WHERE deployment_id = ? AND seq = ?")
                .params(state.name(), Timestamp.from(clock.instant()), deploymentId, seq).update();
    }

    List<RecordedMove> moves(String deploymentId) {
        return jdbc.sql("SELECT * FROM deployment_traffic_move WHERE deployment_id = ? ORDER BY seq")
                .param(deploymentId)
                .query((rs, n) -> new RecordedMove(rs.getInt("seq"), rs.getString("from_container"),
                        rs.getString("to_container"), MoveState.valueOf(rs.getString("state"))))
                .list();
    }
}
