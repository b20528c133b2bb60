package dev.vitals.maintenance;

import dev.vitals.catalog.DurationText;
import dev.vitals.chat.MessageRef;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Windows and their notices in PostgreSQL. */
@Repository
class WindowStore {
    private final JdbcClient jdbc;

    WindowStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    String nextId() {
        return "M-" + jdbc.sql("SELECT nextval('maintenance_window_number')").query(Long.class).single();
    }

    /**
     * Serializes changes to the windows of one environment until the transaction ends, so two people
     * opening overlapping windows at the same moment cannot both pass the overlap check.
     */
    void lockEnvironment(String environment) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?))").param("vitals.maintenance:" + environment)
                .query((rs, n) -> 1).list();
    }

    void insert(Window w) {
        jdbc.sql("""
                        INSERT INTO maintenance_window (id, environment, services, all_services, starts_at, ends_at,
                          status, reason, opened_by, closed_by, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(w.id(), w.environment(), w.services().toArray(String[]::new), w.allServices(), ts(w.start()),
                        ts(w.end()), w.status().name(), w.reason(), w.openedBy(), w.closedBy(), ts(w.createdAt()),
                        ts(w.createdAt()))
                .update();
    }

    /** Writes a change of status or end only if the window is still in {@code expected}. */
    boolean update(Window w, Window.Status expected, Instant at) {
        return jdbc.sql("""
                        UPDATE maintenance_window SET status = ?, ends_at = ?, closed_by = ?, updated_at = ?
                        WHERE id = ? AND status = ?""")
                .params(w.status().name(), ts(w.end()), w.closedBy(), ts(at), w.id(), expected.name())
                .update() == 1;
    }

    void setNoticeMessage(String windowId, MessageRef ref) {
        jdbc.sql("UPDATE maintenance_window SET notice_channel = ?, notice_message = ? WHERE id = ?")
                .params(ref.channel(), ref.id(), windowId).update();
    }

    Optional<Window> find(String id) {
        return jdbc.sql("SELECT * FROM maintenance_window WHERE id = ?").param(id).query(WindowStore::window)
                .optional();
    }

    Optional<Window> findForUpdate(String id) {
        return jdbc.sql("SELECT * FROM maintenance_window WHERE id = ? FOR UPDATE").param(id)
                .query(WindowStore::window).optional();
    }

    /** Scheduled and active windows of an environment that have not ended by {@code after}, earliest first. */
    List<Window> open(String environment, Instant after) {
        return jdbc.sql("""
                        SELECT * FROM maintenance_window
                        WHERE environment = ? AND status IN ('SCHEDULED', 'ACTIVE') AND ends_at > ?
                        ORDER BY starts_at, id""")
                .params(environment, ts(after)).query(WindowStore::window).list();
    }

    /** Every scheduled or active window, earliest first. */
    List<Window> open() {
        return jdbc.sql("""
                        SELECT * FROM maintenance_window WHERE status IN ('SCHEDULED', 'ACTIVE')
                        ORDER BY starts_at, id""")
                .query(WindowStore::window).list();
    }

    /** Windows for the API: the most recent {@code limit} by start, latest first. */
    List<Window> recent(String environment, String status, int limit) {
        return jdbc.sql("""
                        SELECT * FROM maintenance_window
                        WHERE (CAST(? AS TEXT) IS NULL OR environment = ?)
                          AND (CAST(? AS TEXT) IS NULL OR status = ?)
                        ORDER BY starts_at DESC, id DESC LIMIT ?""")
                .params(environment, environment, status, status, limit).query(WindowStore::window).list();
    }

    /** Windows whose start or end has come and whose status does not say so yet, each claimed for this transaction. */
    List<Window> dueToMove(Instant now) {
        return jdbc.sql("""
                        SELECT * FROM maintenance_window
                        WHERE (status = 'SCHEDULED' AND starts_at <= ?) OR (status = 'ACTIVE' AND ends_at <= ?)
                        ORDER BY starts_at, id FOR UPDATE SKIP LOCKED""")
                .params(ts(now), ts(now)).query(WindowStore::window).list();
    }

    /** Windows whose maintenance pages may be up: active ones, and ended ones not yet cleared. */
    List<Window> withPages() {
        return jdbc.sql("""
                        SELECT * FROM maintenance_window
                        WHERE status = 'ACTIVE' OR (status = 'ENDED' AND NOT pages_done)
                        ORDER BY starts_at, id""")
                .query(WindowStore::window).list();
    }

    void pagesDone(String windowId) {
        jdbc.sql("UPDATE maintenance_window SET pages_done = TRUE WHERE id = ?").param(windowId).update();
    }

    // ---- notices ----------------------------------------------------------------------------------

    void addNotice(String windowId, Notice.Kind kind, Instant due, Duration lead) {
        jdbc.sql("INSERT INTO maintenance_notice (window_id, kind, due_at, lead) VALUES (?, ?, ?, ?)")
                .params(windowId, kind.word(), ts(due), lead == null ? null : DurationText.format(lead)).update();
    }

    /** Drops the window's notices of these kinds that were not sent yet (they no longer apply). */
    void dropPending(String windowId, Notice.Kind... kinds) {
        jdbc.sql("DELETE FROM maintenance_notice WHERE window_id = ? AND sent_at IS NULL AND kind = ANY(?)")
                .params(windowId, Arrays.stream(kinds).map(Notice.Kind::word).toArray(String[]::new)).update();
    }

    /** The earliest notice that is due and unsent, claimed (row-locked) for this transaction. */
    Optional<Notice> claimDue(Instant now) {
        return jdbc.sql("""
                        SELECT * FROM maintenance_notice WHERE sent_at IS NULL AND due_at <= ?
                        ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED""")
                .param(ts(now)).query(WindowStore::notice).optional();
    }

    void markSent(long id, Instant at, boolean late, String messageId) {
        jdbc.sql("UPDATE maintenance_notice SET sent_at = ?, late = ?, message_id = ? WHERE id = ?")
                .params(ts(at), late, messageId, id).update();
    }

    List<Notice> notices(String windowId) {
        return jdbc.sql("SELECT * FROM maintenance_notice WHERE window_id = ? ORDER BY due_at, id").param(windowId)
                .query(WindowStore::notice).list();
    }

    private static Window window(ResultSet rs, int n) throws SQLException {
        Array services = rs.getArray("services");
        String channel = rs.getString("notice_channel");
        String message = rs.getString("notice_message");
        return new Window(rs.getString("id"), rs.getString("environment"),
                List.of((String[]) services.getArray()), rs.getBoolean("all_services"), instant(rs, "starts_at"),
                instant(rs, "ends_at"), Window.Status.valueOf(rs.getString("status")), rs.getString("reason"),
                rs.getString("opened_by"), rs.getString("closed_by"),
                message == null ? null : new MessageRef(message, channel, null), instant(rs, "created_at"));
    }

    private static Notice notice(ResultSet rs, int n) throws SQLException {
        String lead = rs.getString("lead");
        return new Notice(rs.getLong("id"), rs.getString("window_id"), Notice.Kind.of(rs.getString("kind")),
                instant(rs, "due_at"), lead == null ? null : DurationText.parse(lead).orElse(null),
                instant(rs, "sent_at"), rs.getBoolean("late"), rs.getString("message_id"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
