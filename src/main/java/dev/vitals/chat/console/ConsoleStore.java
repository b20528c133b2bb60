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
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** The console's messages, reactions and attachments in PostgreSQL. */
@Repository
class ConsoleStore {
    static final int PAGE = 500;
    private static final String VISIBLE = "AND (visible_to IS NULL OR visible_to = ?)";
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final ConsoleChanges changes;

    ConsoleStore(JdbcClient jdbc, ObjectMapper json, Clock clock, TransactionTemplate tx, ConsoleChanges changes) {
        this.changes = changes;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.tx = tx;
    }

    long insert(String channel, Long inThread, String author, String text, List<ConsoleButton> buttons) {
        return insert(channel, inThread, author, text, buttons, List.of());
    }

    long insert(String channel, Long inThread, String author, String text, List<ConsoleButton> buttons,
                List<NewAttachment> attachments) {
        return insert(channel, inThread, author, text, buttons, attachments, null);
    }

    /**
     * One transaction, so a reader never sees the message without its files. {@code visibleTo}: the one
     * user who may see it, or null for everyone.
     */
    long insert(String channel, Long inThread, String author, String text, List<ConsoleButton> buttons,
                List<NewAttachment> attachments, String visibleTo) {
        return insert(channel, inThread, author, text, buttons, attachments, visibleTo, null);
    }

    /** As above; {@code replyTo}: the id of the command message this one answers, or null. */
    long insert(String channel, Long inThread, String author, String text, List<ConsoleButton> buttons,
                List<NewAttachment> attachments, String visibleTo, Long replyTo) {
        if (attachments.isEmpty()) {
            return changed(insertMessage(channel, inThread, author, text, buttons, visibleTo, replyTo));
        }
        Long id = tx.execute(status -> {
            long message = insertMessage(channel, inThread, author, text, buttons, visibleTo, replyTo);
            for (NewAttachment a : attachments) {
                jdbc.sql("INSERT INTO console_attachment (message_id, name, content_type, content) VALUES (?, ?, ?, ?)")
                        .params(message, a.name(), a.contentType(), a.content()).update();
            }
            return message;
        });
        return changed(Objects.requireNonNull(id));
    }

    private long insertMessage(String channel, Long inThread, String author, String text, List<ConsoleButton> buttons,
                               String visibleTo, Long replyTo) {
        return jdbc.sql("""
                        INSERT INTO console_message (channel, in_thread, author, text, buttons, created_at, visible_to,
                                                     reply_to)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")
                .params(channel, inThread, author, text, json.writeValueAsString(buttons), now(), visibleTo, replyTo)
                .query(Long.class).single();
    }

    Optional<StoredAttachment> attachment(long message, String name) {
        return jdbc.sql("SELECT content_type, content FROM console_attachment WHERE message_id = ? AND name = ?")
                .params(message, name)
                .query((rs, n) -> new StoredAttachment(name, rs.getString(1), rs.getBytes(2)))
                .optional();
    }

    void edit(long id, String text, List<ConsoleButton> buttons) {
        jdbc.sql("UPDATE console_message SET text = ?, buttons = ?, edited_at = ? WHERE id = ?")
                .params(text, json.writeValueAsString(buttons), now(), id).update();
        changed(id);
    }

    void openThread(long id) {
        jdbc.sql("UPDATE console_message SET opened_thread = id WHERE id = ?").param(id).update();
        changed(id);
    }

    private long changed(long id) {
        changes.changed(id);
        return id;
    }

    Optional<StoredMessage> find(long id) {
        return jdbc.sql("SELECT * FROM console_message WHERE id = ?").param(id).query(this::row).optional();
    }

    /**
     * Up to {@value #PAGE} messages, oldest first: the next ones after {@code after}, or without it
     * the latest ones (what a person opening the channel sees). Private messages only for their
     * {@code viewer} (null: nobody's).
     */
    List<StoredMessage> inChannel(String channel, long after, String viewer) {
        return withReactionsAndFiles(jdbc.sql(after > 0 ? """
                        SELECT * FROM console_message WHERE channel = ? AND in_thread IS NULL AND id > ? %2$s
                        ORDER BY id LIMIT %1$d""".formatted(PAGE, VISIBLE) : """
                        SELECT * FROM (SELECT * FROM console_message WHERE channel = ? AND in_thread IS NULL AND id > ?
                        %2$s ORDER BY id DESC LIMIT %1$d) latest ORDER BY id""".formatted(PAGE, VISIBLE))
                .params(channel, after, viewer).query(this::row).list());
    }

    List<StoredMessage> inThread(long thread, long after, String viewer) {
        return withReactionsAndFiles(jdbc.sql(after > 0 ? """
                        SELECT * FROM console_message WHERE in_thread = ? AND id > ? %2$s ORDER BY id LIMIT %1$d"""
                .formatted(PAGE, VISIBLE) : """
                        SELECT * FROM (SELECT * FROM console_message WHERE in_thread = ? AND id > ? %2$s
                        ORDER BY id DESC LIMIT %1$d) latest ORDER BY id""".formatted(PAGE, VISIBLE))
                .params(thread, after, viewer).query(this::row).list());
    }

    /** True when the reaction is new (a repeated reaction changes nothing, as on Discord). */
    boolean addReaction(long message, String emoji, String user) {
        return jdbc.sql("""
                        INSERT INTO console_reaction (message_id, emoji, user_name, created_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(message, emoji, user, now()).update() == 1 && changed(message) > 0;
    }

    boolean removeReaction(long message, String emoji, String user) {
        return jdbc.sql("DELETE FROM console_reaction WHERE message_id = ? AND emoji = ? AND user_name = ?")
                .params(message, emoji, user).update() == 1 && changed(message) > 0;
    }

    private List<StoredMessage> withReactionsAndFiles(List<StoredMessage> messages) {
        if (messages.isEmpty()) {
            return messages;
        }
        Map<Long, List<AttachmentInfo>> files = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT message_id, name, content_type, octet_length(content) FROM console_attachment
                        WHERE message_id BETWEEN ? AND ? ORDER BY message_id, name""")
                .params(messages.getFirst().id(), messages.getLast().id())
                .query(rs -> {
                    files.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(new AttachmentInfo(rs.getString(2), rs.getString(3), rs.getLong(4)));
                });
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
            out.add(m.withReactions(reactions).withAttachments(files.getOrDefault(m.id(), List.of())));
        }
        return out;
    }

    private StoredMessage row(ResultSet rs, int n) throws SQLException {
        long inThread = rs.getLong("in_thread");
        boolean isInThread = !rs.wasNull();
        long opened = rs.getLong("opened_thread");
        boolean hasOpened = !rs.wasNull();
        Timestamp edited = rs.getTimestamp("edited_at");
        long replyTo = rs.getLong("reply_to");
        boolean isReply = !rs.wasNull();
        return new StoredMessage(rs.getLong("id"), rs.getString("channel"), isInThread ? inThread : null,
                hasOpened ? opened : null, rs.getString("author"), rs.getString("text"),
                json.readValue(rs.getString("buttons"), new TypeReference<List<ConsoleButton>>() { }),
                List.of(), List.of(), rs.getTimestamp("created_at").toInstant(),
                edited == null ? null : edited.toInstant(), rs.getString("visible_to"), isReply ? replyTo : null);
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    record ConsoleButton(String id, String label) {
    }

    record ConsoleReaction(String emoji, List<String> users) {
    }

    record NewAttachment(String name, String contentType, byte[] content) {
    }

    record AttachmentInfo(String name, String contentType, long size) {
    }

    record StoredAttachment(String name, String contentType, byte[] content) {
    }

    record StoredMessage(long id, String channel, Long inThread, Long openedThread, String author, String text,
                         List<ConsoleButton> buttons, List<ConsoleReaction> reactions,
                         List<AttachmentInfo> attachments, Instant createdAt, Instant editedAt, String visibleTo,
                         Long replyTo) {
        StoredMessage withReactions(List<ConsoleReaction> r) {
            return new StoredMessage(id, channel, inThread, openedThread, author, text, buttons, r, attachments,
                    createdAt, editedAt, visibleTo, replyTo);
        }

        StoredMessage withAttachments(List<AttachmentInfo> a) {
            return new StoredMessage(id, channel, inThread, openedThread, author, text, buttons, reactions, a,
                    createdAt, editedAt, visibleTo, replyTo);
        }

        /** Whether {@code viewer} (null: anyone) may see this message. */
        boolean seenBy(String viewer) {
            return visibleTo == null || visibleTo.equals(viewer);
        }

        /** The thread this message lives in, or else the thread it opened. */
        Long threadId() {
            return inThread != null ? inThread : openedThread;
        }
    }
}
