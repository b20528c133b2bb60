package dev.vitals.chat.discord;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Conditional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What Vitals remembers of Discord across restarts: the fingerprint of the commands it registered,
 * the cards people sign off on, and the sign-off reactions it has seen on them (so a reaction added or
 * withdrawn while Vitals was away is noticed when it comes back).
 */
@Component
@Conditional(DiscordConfigured.class)
class DiscordStore {
    private final JdbcClient jdbc;
    private final Clock clock;

    DiscordStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Optional<String> registeredCommands(String guild) {
        return jdbc.sql("SELECT fingerprint FROM discord_command_registration WHERE guild_id = ?").param(guild)
                .query(String.class).optional();
    }

    void commandsRegistered(String guild, String fingerprint) {
        jdbc.sql("""
                        INSERT INTO discord_command_registration (guild_id, fingerprint, registered_at) VALUES (?, ?, ?)
                        ON CONFLICT (guild_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,
                        registered_at = EXCLUDED.registered_at""")
                .params(guild, fingerprint, Timestamp.from(clock.instant())).update();
    }

    record Card(String messageId, String channelId, String channel) {
    }

    void cardOpened(String messageId, String channelId, String channel) {
        jdbc.sql("""
                        INSERT INTO discord_card (message_id, channel_id, channel_name, open, created_at)
                        VALUES (?, ?, ?, TRUE, ?) ON CONFLICT (message_id) DO NOTHING""")
                .params(messageId, channelId, channel, Timestamp.from(clock.instant())).update();
    }

    void cardClosed(String messageId) {
        jdbc.sql("UPDATE discord_card SET open = FALSE WHERE message_id = ?").param(messageId).update();
    }

    boolean isCard(String messageId) {
        return jdbc.sql("SELECT count(*) FROM discord_card WHERE message_id = ?").param(messageId)
                .query(Integer.class).single() > 0;
    }

    List<Card> openCards() {
        return jdbc.sql("SELECT message_id, channel_id, channel_name FROM discord_card WHERE open ORDER BY created_at")
                .query((rs, n) -> new Card(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    /** True when it was not known yet. */
    boolean reactionSeen(String messageId, String emoji, String userId) {
        return jdbc.sql("""
                        INSERT INTO discord_reaction (message_id, emoji, user_id) VALUES (?, ?, ?)
                        ON CONFLICT DO NOTHING""").params(messageId, emoji, userId).update() == 1;
    }

    /** True when it was known. */
    boolean reactionGone(String messageId, String emoji, String userId) {
        return jdbc.sql("DELETE FROM discord_reaction WHERE message_id = ? AND emoji = ? AND user_id = ?")
                .params(messageId, emoji, userId).update() == 1;
    }

    Set<String> reactions(String messageId, String emoji) {
        return jdbc.sql("SELECT user_id FROM discord_reaction WHERE message_id = ? AND emoji = ?")
                .params(messageId, emoji).query(String.class).list().stream().collect(Collectors.toSet());
    }
}
