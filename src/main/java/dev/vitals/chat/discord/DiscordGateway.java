package dev.vitals.chat.discord;

import dev.vitals.catalog.Catalog;
import dev.vitals.leadership.BecameActive;
import dev.vitals.leadership.Leadership;
import dev.vitals.leadership.LostLeadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import net.dv8tion.jda.api.utils.messages.MessageRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The one gateway connection: opened by the active Vitals only (a standby connects when it takes over)
 * and closed when leadership is lost or Vitals stops. JDA resumes a dropped connection by itself and
 * re-identifies when the session is lost; the listener then catches up on what it missed.
 */
@Component
@Conditional(DiscordConfigured.class)
class DiscordGateway implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(DiscordGateway.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Members (roles, to map them to catalog roles; privileged: enable "Server Members Intent") and
     * reactions on guild messages (sign-off). Slash commands and buttons need no intent.
     */
    static final EnumSet<GatewayIntent> INTENTS = EnumSet.of(GatewayIntent.GUILD_MEMBERS,
            GatewayIntent.GUILD_MESSAGE_REACTIONS);
    /**
     * With {@code thread-messages} on (the default): guild messages and their text (privileged: enable
     * "Message Content Intent"), for what people write in incident threads.
     */
    static final EnumSet<GatewayIntent> THREAD_MESSAGE_INTENTS = EnumSet.of(GatewayIntent.GUILD_MESSAGES,
            GatewayIntent.MESSAGE_CONTENT);

    static EnumSet<GatewayIntent> intents(DiscordSettings settings) {
        EnumSet<GatewayIntent> intents = EnumSet.copyOf(INTENTS);
        if (settings.threadMessages()) {
            intents.addAll(THREAD_MESSAGE_INTENTS);
        }
        return intents;
    }

    static {
        // Nothing Vitals posts may notify anyone unless a message names its intended mentions.
        MessageRequest.setDefaultMentions(EnumSet.noneOf(net.dv8tion.jda.api.entities.Message.MentionType.class));
        MessageRequest.setDefaultMentionRepliedUser(false);
    }

    private final DiscordSettings settings;
    private final Catalog catalog;
    private final Leadership leadership;
    private final ObjectProvider<DiscordListener> listener;
    private final ExecutorService connector = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("vitals-discord-connect").daemon(true).factory());
    private final Clock clock;
    private volatile JDA jda;
    private volatile boolean closed;

    DiscordGateway(DiscordSettings settings, Catalog catalog, Leadership leadership,
                   ObjectProvider<DiscordListener> listener, Clock clock) {
        this.clock = clock;
        // Registered here too, whatever the property's source: the token is redacted from every log line.
        dev.vitals.secrets.Secrets.register(settings.token());
        this.settings = settings;
        this.catalog = catalog;
        this.leadership = leadership;
        this.listener = listener;
    }

    @EventListener(BecameActive.class)
    void becameActive() {
        connector.submit(this::connect);
    }

    @EventListener(LostLeadership.class)
    void lostLeadership() {
        connector.submit(this::disconnect);
    }

    // connect and disconnect run one at a time on the connector thread (close() waits for it first).
    private void connect() {
        if (jda != null || closed || !leadership.isActive()) {
            return;
        }
        log.info("Connecting to Discord (guild {}, REST {})", settings.guild(), settings.apiUrl());
        JDABuilder builder = JDABuilder.createLight(settings.token(), intents(settings))
                .setRestConfig(new RestConfig().setBaseUrl(settings.apiUrl().toString()))
                .setMemberCachePolicy(MemberCachePolicy.ALL)
                .setChunkingFilter(ChunkingFilter.ALL)
                .setCompression(Compression.NONE)
                .setEnableShutdownHook(false)
                .setMaxReconnectDelay(32)
                .addEventListeners(listener.getObject());
        if (settings.customGateway()) {
            String url = settings.gatewayUrl().toString();
            builder.setSessionController(new ConcurrentSessionController() {
                @Override
                public String getGateway() {
                    return url;
                }
            });
        }
        try {
            jda = builder.build();
        } catch (RuntimeException e) {
            log.error("Could not connect to Discord: {}", e.getMessage());
        }
    }

    private void disconnect() {
        JDA current = jda;
        jda = null;
        if (current != null) {
            log.info("Disconnecting from Discord");
            current.shutdown();
            try {
                if (!current.awaitShutdown(Duration.ofSeconds(5))) {
                    current.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                current.shutdownNow();
            }
        }
    }

    /**
     * The client, once its guild is loaded. REST works while the gateway reconnects, so once the guild
     * is known this never waits; before that it waits a bounded time, and fails when this Vitals is not
     * the active one (or is stopping).
     */
    JDA jda() {
        Instant until = clock.instant().plus(READY_TIMEOUT);
        while (true) {
            JDA current = jda;
            if (current == null || closed) {
                throw new IllegalStateException("Vitals is not connected to Discord (this process is "
                        + (closed ? "stopping" : leadership.role().word()) + ")");
            }
            if (current.getGuildById(settings.guild()) != null || current.getStatus() == JDA.Status.CONNECTED) {
                return current;
            }
            if (clock.instant().isAfter(until)) {
                throw new IllegalStateException("Discord did not become ready within " + READY_TIMEOUT.toSeconds()
                        + " s (gateway status " + current.getStatus() + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Discord", e);
            }
        }
    }

    boolean connected() {
        JDA current = jda;
        return current != null && current.getStatus() == JDA.Status.CONNECTED;
    }

    Guild guild() {
        Guild guild = jda().getGuildById(settings.guild());
        if (guild == null) {
            throw new IllegalStateException("The bot is not a member of the guild " + settings.guild()
                    + " (VITALS_DISCORD_GUILD): invite it first (see the README)");
        }
        return guild;
    }

    /** The Discord channel of a catalog channel name: as mapped in the settings (id or name), else by its name. */
    TextChannel channel(String name) {
        String target = settings.channels().getOrDefault(name, name);
        Guild guild = guild();
        TextChannel channel = target.chars().allMatch(Character::isDigit) ? guild.getTextChannelById(target) : null;
        if (channel == null) {
            channel = guild.getTextChannelsByName(target, true).stream().findFirst().orElse(null);
        }
        if (channel == null) {
            throw new IllegalStateException("No Discord channel '" + target + "' for the catalog channel '" + name
                    + "' in guild " + guild.getName() + " (set vitals.discord.channels." + name + " to its id)");
        }
        return channel;
    }

    /** The catalog name of a Discord channel (or of a thread's parent), if it is one of the catalog's. */
    Optional<String> catalogName(String channelId) {
        for (String name : catalogChannels().keySet()) {
            try {
                if (channel(name).getId().equals(channelId)) {
                    return Optional.of(name);
                }
            } catch (IllegalStateException e) {
                // A channel the guild does not have cannot be this one.
            }
        }
        return Optional.empty();
    }

    Map<String, String> catalogChannels() {
        Map<String, String> names = new LinkedHashMap<>();
        for (String name : new TreeSet<>(catalog.environments().values().stream()
                .flatMap(e -> java.util.stream.Stream.of(e.channels().deploys(), e.channels().announcements(),
                        e.channels().incidents(), e.channels().audit())).toList())) {
            names.put(name, settings.channels().getOrDefault(name, name));
        }
        return names;
    }

    /** A thread Vitals opened, from the cache or, after a restart, from Discord. */
    ThreadChannel thread(String id) {
        Guild guild = guild();
        ThreadChannel thread = guild.getThreadChannelById(id);
        if (thread == null) {
            thread = guild.retrieveActiveThreads().complete().stream().filter(t -> t.getId().equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("thread " + id + " is not active on Discord"));
        }
        return thread;
    }

    GuildMessageChannel where(String channel, String thread) {
        return thread == null ? channel(channel) : thread(thread);
    }

    @Override
    public void destroy() {
        closed = true;
        connector.shutdown();
        try {
            connector.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        disconnect();
    }
}
