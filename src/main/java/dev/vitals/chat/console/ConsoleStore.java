package dev.vitals.chat.console;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** The console's messages and reactions in PostgreSQL. */
@Repository
class ConsoleStore {
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    ConsoleStore(JdbcClient jdbc, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    long insert(String channel, Long inThread, String author, String text, List<ConsoleButton> buttons) {
        return jdbc.sql("""
                        INSERT INTO console_message (channel, in_thread, author, text, buttons, created_at)
                        VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(channel, inThread, author, text, json.writeValueAsString(buttons), now())
                .query(Long.class).single();
    }

    void edit(long id, String text, List<ConsoleButton> buttons) {
        jdbc.sql("UPDATE console_message SET text = ?, buttons = ?, edited_at = ? WHERE id = ?")
                .params(text, json.writeValueAsString(buttons), now(), id).update();
    }

    void openThread(long id) {
        jdbc.sql("UPDATE console_message SET opened_thread = id WHERE id = ?").param(id).update();
    }

    Optional<StoredMessage> find(long id) {
        return jdbc.sql("SELECT * FROM console_message WHERE id = ?").param(id).query(this::row).optional();
    }

    List<StoredMessage> inChannel(String channel, long after) {
        return withReactions(jdbc.sql("""
                        SELECT * FROM console_message WHERE channel = ? AND in_thread IS NULL AND id > ?
                        ORDER BY id LIMIT 500""")
                .params(channel, after).query(this::row).list());
    }

    List<StoredMessage> inThread(long thread, long after) {
        return withReactions(jdbc.sql("SELECT * FROM console_message WHERE in_thread = ? AND id > ? ORDER BY id LIMIT 500")
                .params(thread, after).query(this::row).list());
    }

    /** True when the reaction is new (a repeated reaction changes nothing, as on Discord). */
    boolean addReaction(long message, String emoji, String user) {
        return jdbc.sql("""
                        INSERT INTO console_reaction (message_id, emoji, user_name, created_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(message, emoji, user, now()).update() == 1;
    }

    boolean removeReaction(long message, String emoji, String user) {
        return jdbc.sql("DELETE FROM console_reaction WHERE message_id = ? AND emoji = ? AND user_name = ?")
                .params(message, emoji, user).update() == 1;
    }

    private List<StoredMessage> withReactions(List<StoredMessage> messages) {
        if (messages.isEmpty()) {
            return messages;
        }
        Map<Long, Map<String, List<String>>> byMessage = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT message_id, emoji, user_name FROM console_reaction
                        WHERE message_id BETWEEN ? AND ? ORDER BY created_at, user_name""")
                .params(messages.getFirst().id(), messages.getLast().id())
                .query(rs -> {
                    byMessage.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
                            .computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(3));
                });
        List<StoredMessage> out = new ArrayList<>();
        for (StoredMessage m : messages) {
            List<ConsoleReaction> reactions = new ArrayList<>();
            byMessage.getOrDefault(m.id(), Map.of()).forEach((e, users) -> reactions.add(new ConsoleReaction(e, users)));
            out.add(m.withReactions(reactions));
        }
        return out;
    }

    private StoredMessage row(ResultSet rs, int n) throws SQLException {
        long inThread = rs.getLong("in_thread");
        boolean isInThread = !rs.wasNull();
        long opened = rs.getLong("opened_thread");
        boolean hasOpened = !rs.wasNull();
        Timestamp edited = rs.getTimestamp("edited_at");
        return new StoredMessage(rs.getLong("id"), rs.getString("channel"), isInThread ? inThread : null,
                hasOpened ? opened : null, rs.getString("author"), rs.getString("text"),
                json.readValue(rs.getString("buttons"), new TypeReference<List<ConsoleButton>>() { }),
                List.of(), rs.getTimestamp("created_at").toInstant(), edited == null ? null : edited.toInstant());
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    record ConsoleButton(String id, String label) {
    }

    record ConsoleReaction(String emoji, List<String> users) {
    }

    record StoredMessage(long id, String channel, Long inThread, Long openedThread, String author, String text,
                         List<ConsoleButton> buttons, List<ConsoleReaction> reactions, Instant createdAt,
                         Instant editedAt) {
        StoredMessage withReactions(List<ConsoleReaction> r) {
            return new StoredMessage(id, channel, inThread, openedThread, author, text, buttons, r, createdAt, editedAt);
        }

        /** The thread this message lives in, or else the thread it opened. */
        Long threadId() {
            return inThread != null ? inThread : openedThread;
        }
    }
}
