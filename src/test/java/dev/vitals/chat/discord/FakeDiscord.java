package dev.vitals.chat.discord;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Discord, in-process, as far as Vitals uses it: the REST routes (JDK HTTP server) and the gateway
 * (a WebSocket server) that the real JDA logs into. It keeps guild, channels, members, messages,
 * threads, reactions and interactions; records every request; injects events as given members; and
 * enforces Discord's rules: per-route limits answered with real 429s and headers (5 messages or edits
 * per 5 s per channel), 2000-character content, embed limits, the 3 s acknowledgement deadline and
 * the 15-minute interaction token, and {@code allowed_mentions} (who a message would notify).
 */
public final class FakeDiscord implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FakeDiscord.class);
    private static final long DISCORD_EPOCH = 1420070400000L;
    static final int CHANNEL_LIMIT = 5;
    static final Duration CHANNEL_WINDOW = Duration.ofSeconds(5);
    static final Duration ACK_DEADLINE = Duration.ofSeconds(3);

    private final JsonMapper json = JsonMapper.builder().build();
    private final AtomicLong sequence = new AtomicLong();
    private final String token;
    public final String guildId;
    final String botId;
    final String applicationId;

    private final HttpServer http;
    private final Gateway gateway;
    private volatile boolean gatewayDown;

    /** name → id */
    private final Map<String, String> channels = new LinkedHashMap<>();
    /** name → id */
    private final Map<String, String> roles = new LinkedHashMap<>();
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Map<String, Msg> messages = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> threads = new ConcurrentHashMap<>();
    /** direct-message channel id → the member it is with */
    private final Map<String, String> directChannels = new ConcurrentHashMap<>();
    private final Map<String, Interaction> interactions = new ConcurrentHashMap<>();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private volatile JsonNode commands;

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    public final List<String> violations = new CopyOnWriteArrayList<>();
    public final AtomicInteger tooManyRequests = new AtomicInteger();
    public final AtomicInteger identifies = new AtomicInteger();

    public record Request(Instant at, String method, String path, int status, String body) {
    }

    public record Member(String id, String name, List<String> roleIds) {
    }

    /** A message as Discord keeps it, with who its mentions actually notified. */
    public static final class Msg {
        public final String id;
        public final String channelId;
        public final Instant createdAt = Instant.now();
        public volatile ObjectNode body;
        public final List<String> notified = new CopyOnWriteArrayList<>();
        public final List<String> files = new CopyOnWriteArrayList<>();
        public final Map<String, Set<String>> reactions = new ConcurrentHashMap<>();
        public final List<Instant> edits = new CopyOnWriteArrayList<>();
        /** Every version of the message as readers saw it, with when it appeared. */
        public final List<Map.Entry<Instant, String>> history = new CopyOnWriteArrayList<>();
        public final boolean ephemeral;
        public final String author;

        Msg(String id, String channelId, ObjectNode body, boolean ephemeral, String author) {
            this.id = id;
            this.channelId = channelId;
            this.body = body;
            this.ephemeral = ephemeral;
            this.author = author;
        }

        void seen() {
            history.add(Map.entry(Instant.now(), text()));
        }

        /** When a version of the message containing {@code text} first appeared, if ever. */
        public java.util.Optional<Instant> firstShowing(String text) {
            return history.stream().filter(e -> e.getValue().contains(text)).map(Map.Entry::getKey).findFirst();
        }

        public String content() {
            return body.path("content").asString("");
        }

        public JsonNode embeds() {
            return body.path("embeds");
        }

        /** Content and embed text together, as a reader sees the message. */
        public String text() {
            StringBuilder s = new StringBuilder(content());
            for (JsonNode e : embeds()) {
                s.append('\n').append(e.path("title").asString("")).append('\n').append(e.path("description").asString(""));
                for (JsonNode f : e.path("fields")) {
                    s.append('\n').append(f.path("name").asString("")).append(": ").append(f.path("value").asString(""));
                }
            }
            return s.toString();
        }

        public List<String> buttonIds() {
            List<String> ids = new ArrayList<>();
            for (JsonNode row : body.path("components")) {
                for (JsonNode c : row.path("components")) {
                    if (c.has("custom_id")) {
                        ids.add(c.path("custom_id").asString());
                    }
                }
            }
            return ids;
        }
    }

    /** An interaction the fake sent, and what the bot did with it. */
    public static final class Interaction {
        public final String id;
        public final String token;
        public final Instant sentAt = Instant.now();
        public final String channelId;
        public final String userId;
        public volatile Instant ackedAt;
        public volatile int callbackType;
        public volatile boolean ackRefused;
        public volatile JsonNode callbackData;
        public final List<Msg> followUps = new CopyOnWriteArrayList<>();
        public volatile Msg original;
        public volatile boolean originalDeleted;

        Interaction(String id, String token, String channelId, String userId) {
            this.id = id;
            this.token = token;
            this.channelId = channelId;
            this.userId = userId;
        }

        public boolean deferred() {
            return callbackType == 5;
        }
    }

    private static final class Window {
        Instant start = Instant.EPOCH;
        int used;
    }

    public FakeDiscord(String token, List<String> channelNames, List<String> roleNames) {
        this.token = token;
        this.guildId = snowflake();
        this.botId = snowflake();
        this.applicationId = snowflake();
        channelNames.forEach(n -> channels.put(n, snowflake()));
        roleNames.forEach(n -> roles.put(n, snowflake()));
        members.put(botId, new Member(botId, "vitals", List.of()));
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.createContext("/api/v10/", this::handle);
            http.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        gateway = new Gateway();
        gateway.setReuseAddr(true);
        gateway.setDaemon(true);
        gateway.start();
        try {
            gateway.started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/api/v10/";
    }

    public String gatewayUrl() {
        return "ws://127.0.0.1:" + gateway.getPort();
    }

    public String channelId(String name) {
        return channels.get(name);
    }

    public String roleId(String name) {
        return roles.get(name);
    }

    /** A member of the guild with the given role names. */
    public Member member(String name, String... roleNames) {
        Member m = new Member(snowflake(), name, java.util.Arrays.stream(roleNames).map(roles::get).toList());
        members.put(m.id(), m);
        return m;
    }

    /** Gives a member other roles, as a server admin would; the bot hears GUILD_MEMBER_UPDATE. */
    public Member changeRoles(Member m, String... roleNames) {
        Member changed = new Member(m.id(), m.name(), java.util.Arrays.stream(roleNames).map(roles::get).toList());
        members.put(m.id(), changed);
        ObjectNode d = memberJson(changed);
        d.put("guild_id", guildId);
        dispatch("GUILD_MEMBER_UPDATE", d);
        return changed;
    }

    public static String snowflake() {
        return Long.toString(((System.currentTimeMillis() - DISCORD_EPOCH) << 22) | (COUNTER.incrementAndGet() & 0x3FFFFF));
    }

    private static final AtomicLong COUNTER = new AtomicLong();

    // ---- what the bot said -------------------------------------------------------------------------

    public List<Msg> messagesIn(String channelName) {
        String id = channels.get(channelName);
        return messages.values().stream().filter(m -> m.channelId.equals(id))
                .sorted(java.util.Comparator.comparing(m -> Long.parseLong(m.id))).toList();
    }

    /** Messages in a thread (the thread's id is the id of the message it grew from). */
    public List<Msg> messagesInThread(String threadId) {
        return messages.values().stream().filter(m -> m.channelId.equals(threadId))
                .sorted(java.util.Comparator.comparing(m -> Long.parseLong(m.id))).toList();
    }

    public Msg message(String id) {
        return messages.get(id);
    }

    /** Direct messages the bot sent to a member. */
    public List<Msg> directMessagesTo(Member member) {
        return messages.values().stream().filter(m -> member.id().equals(directChannels.get(m.channelId)))
                .sorted(java.util.Comparator.comparing(m -> Long.parseLong(m.id))).toList();
    }

    public boolean hasThread(String id) {
        return threads.containsKey(id);
    }

    public JsonNode thread(String id) {
        return threads.get(id);
    }

    public JsonNode registeredCommands() {
        return commands;
    }

    public List<Request> requests(String method, String pathPattern) {
        Pattern p = Pattern.compile(pathPattern);
        return requests.stream().filter(r -> r.method().equals(method) && p.matcher(r.path()).matches()).toList();
    }

    // ---- events the fake sends as members ---------------------------------------------------------

    /** A slash command typed by {@code member} in a channel; options are name → value (strings). */
    public Interaction slash(Member member, String channelName, String command, String subcommand,
                             Map<String, String> options) {
        ObjectNode data = json.createObjectNode();
        data.put("id", snowflake());
        data.put("name", command);
        data.put("type", 1);
        data.put("guild_id", guildId);
        ArrayNode opts = data.putArray("options");
        ArrayNode target = opts;
        if (subcommand != null) {
            ObjectNode sub = opts.addObject();
            sub.put("name", subcommand);
            sub.put("type", 1);
            target = sub.putArray("options");
        }
        for (Map.Entry<String, String> o : options.entrySet()) {
            ObjectNode option = target.addObject();
            option.put("name", o.getKey());
            option.put("type", 3);
            option.put("value", o.getValue());
        }
        return interaction(member, channels.get(channelName), 2, data, null);
    }

    /** What Discord sends while someone types into an option: the choices come back in the callback. */
    public Interaction autocomplete(Member member, String channelName, String command, Map<String, String> options,
                                    String focused) {
        ObjectNode data = json.createObjectNode();
        data.put("id", snowflake());
        data.put("name", command);
        data.put("type", 1);
        ArrayNode opts = data.putArray("options");
        options.forEach((k, v) -> {
            ObjectNode option = opts.addObject();
            option.put("name", k);
            option.put("type", 3);
            option.put("value", v);
            if (k.equals(focused)) {
                option.put("focused", true);
            }
        });
        return interaction(member, channels.get(channelName), 4, data, null);
    }

    /** A click on a button of a bot message. */
    public Interaction click(Member member, Msg message, String customId) {
        ObjectNode data = json.createObjectNode();
        data.put("custom_id", customId);
        data.put("component_type", 2);
        return interaction(member, message.channelId, 3, data, message);
    }

    private Interaction interaction(Member member, String channelId, int type, ObjectNode data, Msg message) {
        String id = snowflake();
        Interaction i = new Interaction(id, "itoken-" + id, channelId, member.id());
        interactions.put(id, i);
        ObjectNode d = json.createObjectNode();
        d.put("id", id);
        d.put("application_id", applicationId);
        d.put("type", type);
        d.put("token", i.token);
        d.put("version", 1);
        d.put("guild_id", guildId);
        ObjectNode guild = d.putObject("guild");
        guild.put("id", guildId);
        guild.put("locale", "en-US");
        guild.putArray("features");
        d.put("channel_id", channelId);
        ObjectNode channel = d.putObject("channel");
        channel.put("id", channelId);
        channel.put("type", threads.containsKey(channelId) ? 11 : 0);
        channel.put("guild_id", guildId);
        if (threads.containsKey(channelId)) {
            channel.setAll(threads.get(channelId));
        }
        d.set("member", memberJson(member));
        d.putObject("authorizing_integration_owners").put("0", guildId);
        d.put("context", 0);
        d.put("locale", "en-US");
        d.put("guild_locale", "en-US");
        d.put("app_permissions", "8");
        d.putArray("entitlements");
        d.set("data", data);
        if (message != null) {
            d.set("message", message.body);
        }
        dispatch("INTERACTION_CREATE", d);
        return i;
    }

    /** Gateway intents: guild messages, and their text (privileged). */
    static final long GUILD_MESSAGES = 1L << 9;
    static final long MESSAGE_CONTENT = 1L << 15;
    private final Map<WebSocket, Long> intents = new ConcurrentHashMap<>();

    /**
     * A member writes {@code text} in a channel or thread (by id). As on Discord, a connection hears it only
     * with the guild-messages intent, and gets its text only with the message-content intent.
     */
    public Msg say(Member member, String channelId, String text) {
        String id = snowflake();
        ObjectNode b = json.createObjectNode();
        b.put("id", id);
        b.put("type", 0);
        b.put("channel_id", channelId);
        b.put("guild_id", guildId);
        b.set("author", user(member.id(), member.name(), false));
        b.set("member", memberJson(member));
        b.put("content", text);
        b.putArray("embeds");
        b.putArray("components");
        b.putArray("attachments");
        envelope(b);
        b.put("flags", 0);
        Msg msg = new Msg(id, channelId, b, false, member.name());
        msg.seen();
        messages.put(id, msg);
        for (WebSocket ws : gateway.getConnections()) {
            long granted = intents.getOrDefault(ws, 0L);
            if (Boolean.TRUE.equals(ws.getAttachment()) && ws.isOpen() && (granted & GUILD_MESSAGES) != 0) {
                ObjectNode d = b.deepCopy();
                if ((granted & MESSAGE_CONTENT) == 0) {
                    d.put("content", "");
                }
                ObjectNode frame = json.createObjectNode();
                frame.put("op", 0);
                frame.put("t", "MESSAGE_CREATE");
                frame.put("s", sequence.incrementAndGet());
                frame.set("d", d);
                ws.send(json.writeValueAsString(frame));
            }
        }
        return msg;
    }

    /** A member adds a reaction; the bot hears it only if its gateway is connected (as on Discord). */
    public void react(Member member, Msg message, String emoji) {
        message.reactions.computeIfAbsent(emoji, e -> ConcurrentHashMap.newKeySet()).add(member.id());
        dispatch("MESSAGE_REACTION_ADD", reaction(member, message, emoji, true));
    }

    public void unreact(Member member, Msg message, String emoji) {
        Set<String> users = message.reactions.get(emoji);
        if (users != null) {
            users.remove(member.id());
        }
        dispatch("MESSAGE_REACTION_REMOVE", reaction(member, message, emoji, false));
    }

    private ObjectNode reaction(Member member, Msg message, String emoji, boolean withMember) {
        ObjectNode d = json.createObjectNode();
        d.put("user_id", member.id());
        d.put("channel_id", message.channelId);
        d.put("message_id", message.id);
        d.put("guild_id", guildId);
        ObjectNode e = d.putObject("emoji");
        e.putNull("id");
        e.put("name", emoji);
        if (withMember) {
            d.set("member", memberJson(member));
        }
        d.put("burst", false);
        d.put("type", 0);
        d.put("message_author_id", botId);
        return d;
    }

    /** Drops every gateway connection; with {@code stayDown} new connections are refused until {@link #gatewayUp()}. */
    public void dropGateway(boolean stayDown) {
        gatewayDown = stayDown;
        for (WebSocket ws : gateway.getConnections()) {
            ws.close(4000, "dropped by the fake");
        }
    }

    public void gatewayUp() {
        gatewayDown = false;
    }

    /** Gateway connections that identified (and are still open). */
    public int sessions() {
        return (int) gateway.getConnections().stream().filter(ws -> Boolean.TRUE.equals(ws.getAttachment())
                && ws.isOpen()).count();
    }

    public boolean connected() {
        return gateway.getConnections().stream().anyMatch(ws -> Boolean.TRUE.equals(ws.getAttachment()));
    }

    private void dispatch(String type, JsonNode d) {
        ObjectNode frame = json.createObjectNode();
        frame.put("op", 0);
        frame.put("t", type);
        frame.put("s", sequence.incrementAndGet());
        frame.set("d", d);
        String text = json.writeValueAsString(frame);
        for (WebSocket ws : gateway.getConnections()) {
            if (Boolean.TRUE.equals(ws.getAttachment()) && ws.isOpen()) {
                ws.send(text);
            }
        }
    }

    // ---- gateway -----------------------------------------------------------------------------------

    private final class Gateway extends WebSocketServer {
        final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);

        Gateway() {
            super(new InetSocketAddress("127.0.0.1", 0));
        }

        @Override
        public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
                                                                           ClientHandshake request)
                throws InvalidDataException {
            if (gatewayDown) {
                throw new InvalidDataException(503, "gateway down");
            }
            return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            ObjectNode hello = json.createObjectNode();
            hello.put("op", 10);
            hello.putObject("d").put("heartbeat_interval", 41250);
            conn.send(json.writeValueAsString(hello));
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            JsonNode frame = json.readTree(message);
            switch (frame.path("op").asInt()) {
                case 1 -> conn.send("{\"op\":11}");
                case 2 -> identify(conn, frame.path("d"));
                case 6 -> conn.send("{\"op\":9,\"d\":false}"); // sessions are never resumable here
                default -> {
                }
            }
        }

        private void identify(WebSocket conn, JsonNode d) {
            if (!token.equals(d.path("token").asString())) {
                conn.close(4004, "Authentication failed.");
                return;
            }
            identifies.incrementAndGet();
            intents.put(conn, d.path("intents").asLong(0));
            ObjectNode ready = json.createObjectNode();
            ready.put("v", 10);
            ready.set("user", user(botId, "vitals", true));
            ready.putArray("guilds").addObject().put("id", guildId).put("unavailable", true);
            ready.put("session_id", "session-" + snowflake());
            ready.put("resume_gateway_url", gatewayUrl());
            ready.putArray("private_channels");
            ready.putObject("application").put("id", applicationId).put("flags", 0);
            send(conn, "READY", ready);
            conn.setAttachment(Boolean.TRUE);
            send(conn, "GUILD_CREATE", guild());
        }

        private void send(WebSocket conn, String type, JsonNode d) {
            ObjectNode frame = json.createObjectNode();
            frame.put("op", 0);
            frame.put("t", type);
            frame.put("s", sequence.incrementAndGet());
            frame.set("d", d);
            conn.send(json.writeValueAsString(frame));
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            log.debug("Fake gateway: {}", ex.toString());
        }

        @Override
        public void onStart() {
            started.countDown();
        }
    }

    private ObjectNode guild() {
        ObjectNode g = json.createObjectNode();
        g.put("id", guildId);
        g.put("name", "Clinic IT");
        g.put("owner_id", botId);
        g.put("afk_timeout", 300);
        g.put("unavailable", false);
        g.put("member_count", members.size());
        g.put("large", false);
        g.put("verification_level", 0);
        g.put("default_message_notifications", 0);
        g.put("explicit_content_filter", 0);
        g.put("mfa_level", 0);
        g.put("nsfw_level", 0);
        g.put("premium_tier", 0);
        g.put("preferred_locale", "en-US");
        g.putArray("features");
        ArrayNode r = g.putArray("roles");
        r.add(role(guildId, "@everyone", 0));
        int position = 1;
        for (Map.Entry<String, String> role : roles.entrySet()) {
            r.add(role(role.getValue(), role.getKey(), position++));
        }
        ArrayNode ch = g.putArray("channels");
        int p = 0;
        for (Map.Entry<String, String> c : channels.entrySet()) {
            ch.addObject().put("id", c.getValue()).put("type", 0).put("name", c.getKey()).put("position", p++)
                    .put("guild_id", guildId).putArray("permission_overwrites");
        }
        ArrayNode th = g.putArray("threads");
        threads.values().forEach(th::add);
        g.putArray("guild_scheduled_events");
        g.putArray("emojis");
        g.putArray("stickers");
        g.putArray("voice_states");
        g.putArray("presences");
        g.putArray("stage_instances");
        g.putArray("soundboard_sounds");
        ArrayNode ms = g.putArray("members");
        members.values().forEach(m -> ms.add(memberJson(m)));
        return g;
    }

    private ObjectNode role(String id, String name, int position) {
        ObjectNode r = json.createObjectNode();
        r.put("id", id);
        r.put("name", name);
        r.put("position", position);
        r.put("permissions", "0");
        r.put("color", 0);
        r.putObject("colors").put("primary_color", 0);
        r.put("hoist", false);
        r.put("managed", false);
        r.put("mentionable", true);
        r.put("flags", 0);
        return r;
    }

    private ObjectNode user(String id, String name, boolean bot) {
        ObjectNode u = json.createObjectNode();
        u.put("id", id);
        u.put("username", name);
        u.put("discriminator", "0");
        u.putNull("global_name");
        u.putNull("avatar");
        u.put("bot", bot);
        return u;
    }

    private ObjectNode memberJson(Member m) {
        ObjectNode o = json.createObjectNode();
        o.set("user", user(m.id(), m.name(), m.id().equals(botId)));
        ArrayNode rs = o.putArray("roles");
        m.roleIds().forEach(rs::add);
        o.put("joined_at", "2024-01-01T00:00:00.000000+00:00");
        o.put("deaf", false);
        o.put("mute", false);
        o.put("flags", 0);
        o.put("permissions", "8");
        return o;
    }

    // ---- REST --------------------------------------------------------------------------------------

    private static final Pattern CHANNEL_MESSAGES = Pattern.compile("channels/(\\d+)/messages");
    private static final Pattern CHANNEL_MESSAGE = Pattern.compile("channels/(\\d+)/messages/(\\d+)");
    private static final Pattern OWN_REACTION = Pattern.compile("channels/(\\d+)/messages/(\\d+)/reactions/([^/]+)/@me");
    private static final Pattern REACTIONS = Pattern.compile("channels/(\\d+)/messages/(\\d+)/reactions/([^/]+)");
    private static final Pattern THREAD_FROM_MESSAGE = Pattern.compile("channels/(\\d+)/messages/(\\d+)/threads");
    private static final Pattern COMMANDS = Pattern.compile("applications/(\\d+)/guilds/(\\d+)/commands");
    private static final Pattern CALLBACK = Pattern.compile("interactions/(\\d+)/([^/]+)/callback");
    private static final Pattern WEBHOOK = Pattern.compile("webhooks/(\\d+)/([^/]+)");
    private static final Pattern WEBHOOK_MESSAGE = Pattern.compile("webhooks/(\\d+)/([^/]+)/messages/([^/]+)");
    private static final Pattern MEMBER = Pattern.compile("guilds/(\\d+)/members/(\\d+)");

    private record Answer(int status, String body, Map<String, String> headers) {
        static Answer of(int status, Object body) {
            return new Answer(status, body == null ? null : body.toString(), Map.of());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath().substring("/api/v10/".length());
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        byte[] raw = ex.getRequestBody().readAllBytes();
        Answer answer;
        String recorded;
        try {
            Parsed body = parse(ex.getRequestHeaders().getFirst("Content-Type"), raw);
            recorded = body.json == null ? "" : body.json.toString();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            boolean interactionRoute = path.startsWith("interactions/") || path.startsWith("webhooks/");
            if (!interactionRoute && !("Bot " + token).equals(auth)) {
                answer = Answer.of(401, "{\"message\":\"401: Unauthorized\",\"code\":0}");
            } else {
                answer = route(method, path, body);
            }
        } catch (RuntimeException e) {
            log.error("Fake Discord failed on {} {}", method, path, e);
            recorded = new String(raw, StandardCharsets.UTF_8);
            answer = Answer.of(500, "{\"message\":\"fake failed\",\"code\":0}");
        }
        requests.add(new Request(Instant.now(), method, path, answer.status(), recorded));
        answer.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        if (answer.body() == null) {
            ex.sendResponseHeaders(answer.status(), -1);
        } else {
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(answer.status(), out.length);
            ex.getResponseBody().write(out);
        }
        ex.close();
    }

    private record Parsed(ObjectNode json, List<String> files) {
    }

    private Parsed parse(String contentType, byte[] raw) {
        if (raw.length == 0) {
            return new Parsed(null, List.of());
        }
        if (contentType != null && contentType.startsWith("multipart/form-data")) {
            String boundary = "--" + contentType.substring(contentType.indexOf("boundary=") + 9).replace("\"", "");
            String all = new String(raw, StandardCharsets.ISO_8859_1);
            ObjectNode payload = null;
            List<String> files = new ArrayList<>();
            for (String part : all.split(Pattern.quote(boundary))) {
                int split = part.indexOf("\r\n\r\n");
                if (split < 0) {
                    continue;
                }
                String headers = part.substring(0, split);
                String content = part.substring(split + 4);
                if (content.endsWith("\r\n")) {
                    content = content.substring(0, content.length() - 2);
                }
                Matcher name = Pattern.compile("name=\"([^\"]+)\"").matcher(headers);
                Matcher file = Pattern.compile("filename=\"([^\"]+)\"").matcher(headers);
                if (name.find() && name.group(1).equals("payload_json")) {
                    payload = (ObjectNode) json.readTree(new String(content.getBytes(StandardCharsets.ISO_8859_1),
                            StandardCharsets.UTF_8));
                } else if (file.find()) {
                    files.add(file.group(1) + ":" + content.length());
                }
            }
            return new Parsed(payload, files);
        }
        JsonNode node = json.readTree(new String(raw, StandardCharsets.UTF_8));
        return new Parsed(node instanceof ObjectNode o ? o : wrap(node), List.of());
    }

    private ObjectNode wrap(JsonNode array) {
        ObjectNode o = json.createObjectNode();
        o.set("array", array);
        return o;
    }

    private Answer route(String method, String path, Parsed body) {
        Matcher m;
        if (method.equals("GET") && path.equals("users/@me")) {
            return Answer.of(200, user(botId, "vitals", true));
        }
        if (method.equals("POST") && path.equals("users/@me/channels")) {
            String recipient = body.json().path("recipient_id").asString();
            Member member = members.get(recipient);
            if (member == null) {
                return Answer.of(400, "{\"message\":\"Unknown User\",\"code\":10013}");
            }
            String id = directChannels.entrySet().stream().filter(e -> e.getValue().equals(recipient))
                    .map(Map.Entry::getKey).findFirst().orElseGet(() -> {
                        String dm = snowflake();
                        directChannels.put(dm, recipient);
                        return dm;
                    });
            ObjectNode dm = json.createObjectNode();
            dm.put("id", id);
            dm.put("type", 1);
            dm.putNull("last_message_id");
            dm.putArray("recipients").add(user(member.id(), member.name(), false));
            return Answer.of(200, dm);
        }
        if ((m = COMMANDS.matcher(path)).matches()) {
            if (method.equals("PUT")) {
                ArrayNode registered = json.createArrayNode();
                for (JsonNode c : body.json().path("array")) {
                    ObjectNode copy = ((ObjectNode) c).deepCopy();
                    copy.put("id", snowflake());
                    copy.put("application_id", applicationId);
                    copy.put("guild_id", guildId);
                    copy.put("version", snowflake());
                    registered.add(copy);
                }
                commands = registered;
                return Answer.of(200, registered);
            }
            return Answer.of(200, commands == null ? "[]" : commands);
        }
        if ((m = CALLBACK.matcher(path)).matches() && method.equals("POST")) {
            return callback(m.group(1), m.group(2), body.json());
        }
        if ((m = WEBHOOK_MESSAGE.matcher(path)).matches()) {
            Interaction i = byToken(m.group(2));
            if (i == null || expired(i)) {
                return Answer.of(404, "{\"message\":\"Unknown Webhook\",\"code\":10015}");
            }
            if (m.group(3).equals("@original")) {
                if (method.equals("DELETE")) {
                    i.originalDeleted = true;
                    if (i.original != null) {
                        messages.remove(i.original.id);
                    }
                    return Answer.of(204, null);
                }
                if (method.equals("PATCH")) {
                    Answer invalid = validate(body.json());
                    if (invalid != null) {
                        return invalid;
                    }
                    if (i.original == null) {
                        i.original = store(i.channelId, body, false, "vitals");
                    } else {
                        i.original.body = merged(i.original, body.json());
                        i.original.edits.add(Instant.now());
                        i.original.seen();
                    }
                    return Answer.of(200, i.original.body);
                }
                return Answer.of(200, i.original == null ? "{}" : i.original.body);
            }
            Msg msg = messages.get(m.group(3));
            if (msg == null) {
                return Answer.of(404, "{\"message\":\"Unknown Message\",\"code\":10008}");
            }
            msg.body = merged(msg, body.json());
            return Answer.of(200, msg.body);
        }
        if ((m = WEBHOOK.matcher(path)).matches() && method.equals("POST")) {
            Interaction i = byToken(m.group(2));
            if (i == null || expired(i)) {
                return Answer.of(404, "{\"message\":\"Unknown Webhook\",\"code\":10015}");
            }
            Answer invalid = validate(body.json());
            if (invalid != null) {
                return invalid;
            }
            boolean ephemeral = (body.json().path("flags").asInt() & 64) != 0;
            Msg msg = store(i.channelId, body, ephemeral, "vitals");
            i.followUps.add(msg);
            return Answer.of(200, msg.body);
        }
        if ((m = OWN_REACTION.matcher(path)).matches() && method.equals("PUT")) {
            Msg msg = messages.get(m.group(2));
            if (msg == null) {
                return Answer.of(404, "{\"message\":\"Unknown Message\",\"code\":10008}");
            }
            msg.reactions.computeIfAbsent(decode(m.group(3)), e -> ConcurrentHashMap.newKeySet()).add(botId);
            return Answer.of(204, null);
        }
        if ((m = REACTIONS.matcher(path)).matches() && method.equals("GET")) {
            Msg msg = messages.get(m.group(2));
            if (msg == null) {
                return Answer.of(404, "{\"message\":\"Unknown Message\",\"code\":10008}");
            }
            ArrayNode users = json.createArrayNode();
            for (String id : msg.reactions.getOrDefault(decode(m.group(3)), Set.of())) {
                Member member = members.get(id);
                users.add(user(id, member == null ? "gone" : member.name(), id.equals(botId)));
            }
            return Answer.of(200, users);
        }
        if ((m = THREAD_FROM_MESSAGE.matcher(path)).matches() && method.equals("POST")) {
            return thread(m.group(1), m.group(2), body.json());
        }
        if ((m = CHANNEL_MESSAGE.matcher(path)).matches()) {
            Msg msg = messages.get(m.group(2));
            if (msg == null || !msg.channelId.equals(m.group(1))) {
                return Answer.of(404, "{\"message\":\"Unknown Message\",\"code\":10008}");
            }
            if (method.equals("GET")) {
                return Answer.of(200, msg.body);
            }
            if (method.equals("PATCH")) {
                return limited(m.group(1), () -> {
                    Answer invalid = validate(body.json());
                    if (invalid != null) {
                        return invalid;
                    }
                    if (Duration.between(msg.createdAt, Instant.now()).compareTo(Duration.ofHours(1)) > 0) {
                        return Answer.of(400, "{\"message\":\"Message edit limit\",\"code\":30046}");
                    }
                    msg.body = merged(msg, body.json());
                    msg.edits.add(Instant.now());
                    msg.seen();
                    return Answer.of(200, msg.body);
                });
            }
        }
        if ((m = CHANNEL_MESSAGES.matcher(path)).matches() && method.equals("POST")) {
            String channelId = m.group(1);
            if (!channels.containsValue(channelId) && !threads.containsKey(channelId)
                    && !directChannels.containsKey(channelId)) {
                return Answer.of(404, "{\"message\":\"Unknown Channel\",\"code\":10003}");
            }
            return limited(channelId, () -> {
                Answer invalid = validate(body.json());
                if (invalid != null) {
                    return invalid;
                }
                return Answer.of(200, store(channelId, body, false, "vitals").body);
            });
        }
        if ((m = MEMBER.matcher(path)).matches() && method.equals("GET")) {
            Member member = members.get(m.group(2));
            return member == null ? Answer.of(404, "{\"message\":\"Unknown Member\",\"code\":10007}")
                    : Answer.of(200, memberJson(member));
        }
        log.warn("Fake Discord has no route for {} {}", method, path);
        violations.add("unknown route " + method + " " + path);
        return Answer.of(404, "{\"message\":\"404: Not Found\",\"code\":0}");
    }

    private static String decode(String emoji) {
        return URLDecoder.decode(emoji, StandardCharsets.UTF_8);
    }

    private Interaction byToken(String t) {
        return interactions.values().stream().filter(i -> i.token.equals(t)).findFirst().orElse(null);
    }

    private boolean expired(Interaction i) {
        return Duration.between(i.sentAt, Instant.now()).compareTo(Duration.ofMinutes(15)) > 0;
    }

    private Answer callback(String id, String itoken, ObjectNode body) {
        Interaction i = interactions.get(id);
        if (i == null || !i.token.equals(itoken)) {
            return Answer.of(404, "{\"message\":\"Unknown interaction\",\"code\":10062}");
        }
        if (i.ackedAt != null) {
            violations.add("interaction " + id + " acknowledged twice");
            return Answer.of(400, "{\"message\":\"Interaction has already been acknowledged.\",\"code\":40060}");
        }
        if (Duration.between(i.sentAt, Instant.now()).compareTo(ACK_DEADLINE) > 0) {
            i.ackRefused = true;
            violations.add("interaction " + id + " acknowledged after " + Duration.between(i.sentAt, Instant.now()));
            return Answer.of(404, "{\"message\":\"Unknown interaction\",\"code\":10062}");
        }
        int type = body.path("type").asInt();
        JsonNode data = body.path("data");
        if (type == 4 || type == 7) {
            Answer invalid = validate((ObjectNode) data);
            if (invalid != null) {
                return invalid;
            }
        }
        i.ackedAt = Instant.now();
        i.callbackType = type;
        i.callbackData = data;
        if (type == 4) {
            boolean ephemeral = (data.path("flags").asInt() & 64) != 0;
            i.original = store(i.channelId, new Parsed((ObjectNode) data, List.of()), ephemeral, "vitals");
        }
        return Answer.of(204, null);
    }

    private Answer thread(String channelId, String messageId, ObjectNode body) {
        Msg msg = messages.get(messageId);
        if (msg == null) {
            return Answer.of(404, "{\"message\":\"Unknown Message\",\"code\":10008}");
        }
        String name = body.path("name").asString("");
        if (name.isEmpty() || name.length() > 100) {
            return Answer.of(400, "{\"message\":\"Invalid Form Body: name must be 1-100\",\"code\":50035}");
        }
        int archive = body.path("auto_archive_duration").asInt(1440);
        if (!Set.of(60, 1440, 4320, 10080).contains(archive)) {
            return Answer.of(400, "{\"message\":\"Invalid Form Body: auto_archive_duration\",\"code\":50035}");
        }
        if (threads.containsKey(messageId)) {
            return Answer.of(400, "{\"message\":\"A thread has already been created for this message\",\"code\":160004}");
        }
        ObjectNode t = json.createObjectNode();
        t.put("id", messageId);
        t.put("type", 11);
        t.put("guild_id", guildId);
        t.put("parent_id", channelId);
        t.put("owner_id", botId);
        t.put("name", name);
        t.put("member_count", 1);
        t.put("message_count", 0);
        t.put("rate_limit_per_user", 0);
        t.put("flags", 0);
        ObjectNode meta = t.putObject("thread_metadata");
        meta.put("archived", false);
        meta.put("auto_archive_duration", archive);
        meta.put("archive_timestamp", Instant.now().toString());
        meta.put("locked", false);
        threads.put(messageId, t);
        return Answer.of(201, t);
    }

    /** Discord's per-channel limit for messages and edits, with the headers JDA's rate limiter reads. */
    private Answer limited(String channelId, java.util.function.Supplier<Answer> action) {
        Window w = windows.computeIfAbsent(channelId, k -> new Window());
        Instant now = Instant.now();
        int remaining;
        double resetAfter;
        synchronized (w) {
            if (!now.isBefore(w.start.plus(CHANNEL_WINDOW))) {
                w.start = now;
                w.used = 0;
            }
            resetAfter = Duration.between(now, w.start.plus(CHANNEL_WINDOW)).toMillis() / 1000.0;
            if (w.used >= CHANNEL_LIMIT) {
                tooManyRequests.incrementAndGet();
                violations.add("429 on channel " + channelId);
                Map<String, String> headers = new LinkedHashMap<>(limitHeaders(0, resetAfter));
                headers.put("Retry-After", Long.toString((long) Math.ceil(resetAfter)));
                headers.put("X-RateLimit-Scope", "user");
                headers.put("Via", "1.1 google");
                return new Answer(429, "{\"message\":\"You are being rate limited.\",\"retry_after\":" + resetAfter
                        + ",\"global\":false,\"code\":0}", headers);
            }
            w.used++;
            remaining = CHANNEL_LIMIT - w.used;
        }
        Answer a = action.get();
        Map<String, String> headers = new LinkedHashMap<>(a.headers());
        headers.putAll(limitHeaders(remaining, resetAfter));
        return new Answer(a.status(), a.body(), headers);
    }

    private static Map<String, String> limitHeaders(int remaining, double resetAfter) {
        return Map.of("X-RateLimit-Limit", Integer.toString(CHANNEL_LIMIT),
                "X-RateLimit-Remaining", Integer.toString(remaining),
                "X-RateLimit-Reset-After", String.format(java.util.Locale.ROOT, "%.3f", resetAfter),
                "X-RateLimit-Reset", String.format(java.util.Locale.ROOT, "%.3f",
                        System.currentTimeMillis() / 1000.0 + resetAfter),
                "X-RateLimit-Bucket", "channel-messages");
    }

    /** Discord's limits on what a message may hold; null when it is within them. */
    private Answer validate(ObjectNode body) {
        if (body == null) {
            return null;
        }
        List<String> problems = new ArrayList<>();
        String content = body.path("content").asString("");
        if (content.length() > 2000) {
            problems.add("content: Must be 2000 or fewer in length (" + content.length() + ")");
        }
        JsonNode embeds = body.path("embeds");
        if (embeds.size() > 10) {
            problems.add("embeds: at most 10");
        }
        int total = 0;
        for (JsonNode e : embeds) {
            String title = e.path("title").asString("");
            String description = e.path("description").asString("");
            total += title.length() + description.length() + e.path("footer").path("text").asString("").length()
                    + e.path("author").path("name").asString("").length();
            if (title.length() > 256) {
                problems.add("embed title over 256");
            }
            if (description.length() > 4096) {
                problems.add("embed description over 4096");
            }
            if (e.path("fields").size() > 25) {
                problems.add("embed over 25 fields");
            }
            for (JsonNode f : e.path("fields")) {
                String n = f.path("name").asString("");
                String v = f.path("value").asString("");
                total += n.length() + v.length();
                if (n.isEmpty() || n.length() > 256 || v.isEmpty() || v.length() > 1024) {
                    problems.add("embed field name 1-256 / value 1-1024");
                }
            }
        }
        if (total > 6000) {
            problems.add("embeds over 6000 characters in total");
        }
        for (JsonNode row : body.path("components")) {
            if (row.path("components").size() > 5) {
                problems.add("an action row holds at most 5 components");
            }
            for (JsonNode c : row.path("components")) {
                if (c.path("custom_id").asString("").length() > 100) {
                    problems.add("custom_id over 100");
                }
            }
        }
        if (problems.isEmpty()) {
            return null;
        }
        violations.add("rejected message: " + problems);
        return Answer.of(400, json.createObjectNode().put("message", "Invalid Form Body").put("code", 50035)
                .put("detail", String.join("; ", problems)));
    }

    /** What Discord adds to every message it keeps: no mentions resolved here, not pinned, sent now. */
    private static void envelope(ObjectNode b) {
        b.putArray("mentions");
        b.putArray("mention_roles");
        b.put("mention_everyone", false);
        b.put("pinned", false);
        b.put("tts", false);
        b.put("timestamp", Instant.now().toString());
        b.putNull("edited_timestamp");
    }

    private Msg store(String channelId, Parsed parsed, boolean ephemeral, String author) {
        String id = snowflake();
        ObjectNode b = parsed.json() == null ? json.createObjectNode() : parsed.json().deepCopy();
        ObjectNode allowed = b.has("allowed_mentions") ? (ObjectNode) b.get("allowed_mentions") : null;
        b.remove("allowed_mentions");
        b.put("id", id);
        b.put("type", 0);
        b.put("channel_id", channelId);
        b.put("guild_id", guildId);
        b.set("author", user(botId, "vitals", true));
        if (!b.has("content")) {
            b.put("content", "");
        }
        if (!b.has("embeds")) {
            b.putArray("embeds");
        }
        rich(b);
        if (!b.has("components")) {
            b.putArray("components");
        }
        ArrayNode attachments = b.putArray("attachments");
        int n = 0;
        for (String f : parsed.files()) {
            String name = f.substring(0, f.lastIndexOf(':'));
            attachments.addObject().put("id", snowflake()).put("filename", name)
                    .put("size", Integer.parseInt(f.substring(f.lastIndexOf(':') + 1)))
                    .put("url", "https://cdn.example/" + id + "/" + name).put("proxy_url", "https://cdn.example/p/" + n++);
        }
        envelope(b);
        if (!b.has("flags")) {
            b.put("flags", 0);
        }
        Msg msg = new Msg(id, channelId, b, ephemeral, author);
        parsed.files().forEach(f -> msg.files.add(f.substring(0, f.lastIndexOf(':'))));
        msg.notified.addAll(notified(b, allowed));
        msg.seen();
        messages.put(id, msg);
        return msg;
    }

    private ObjectNode merged(Msg msg, ObjectNode edit) {
        ObjectNode b = msg.body.deepCopy();
        if (edit != null) {
            ObjectNode allowed = edit.has("allowed_mentions") ? (ObjectNode) edit.get("allowed_mentions") : null;
            edit.properties().forEach(e -> {
                if (!e.getKey().equals("allowed_mentions") && !e.getKey().equals("attachments")) {
                    b.set(e.getKey(), e.getValue());
                }
            });
            // An edit notifies nobody new on Discord, but it still must not try to.
            List<String> would = notified(b, allowed);
            if (!would.isEmpty()) {
                msg.notified.addAll(would.stream().map(w -> "edit:" + w).toList());
            }
        }
        b.put("edited_timestamp", Instant.now().toString());
        rich(b);
        return b;
    }

    /** Discord answers every embed a bot sent with its type. */
    private static void rich(ObjectNode b) {
        for (JsonNode e : b.path("embeds")) {
            if (e instanceof ObjectNode o && !o.has("type")) {
                o.put("type", "rich");
            }
        }
    }

    private static final Pattern MENTION = Pattern.compile("@(everyone|here)|<@!?(\\d+)>|<@&(\\d+)>");

    /** Whom Discord would notify for this content under these allowed_mentions (absent: everything parsed). */
    private List<String> notified(ObjectNode body, ObjectNode allowed) {
        StringBuilder text = new StringBuilder(body.path("content").asString(""));
        List<String> out = new ArrayList<>();
        Matcher m = MENTION.matcher(text);
        Set<String> parse = new LinkedHashSet<>();
        Set<String> users = new LinkedHashSet<>();
        Set<String> rolesAllowed = new LinkedHashSet<>();
        if (allowed == null) {
            parse.addAll(List.of("everyone", "users", "roles"));
        } else {
            allowed.path("parse").forEach(p -> parse.add(p.asString()));
            allowed.path("users").forEach(p -> users.add(p.asString()));
            allowed.path("roles").forEach(p -> rolesAllowed.add(p.asString()));
        }
        while (m.find()) {
            if (m.group(1) != null && parse.contains("everyone")) {
                out.add("@" + m.group(1));
            } else if (m.group(2) != null && (parse.contains("users") || users.contains(m.group(2)))) {
                out.add("<@" + m.group(2) + ">");
            } else if (m.group(3) != null && (parse.contains("roles") || rolesAllowed.contains(m.group(3)))) {
                out.add("<@&" + m.group(3) + ">");
            }
        }
        return out;
    }

    /** Everything every message ever said to anyone, for a check that a text appears nowhere. */
    public String everythingSaid() {
        StringBuilder s = new StringBuilder();
        requests.forEach(r -> s.append(r.path()).append(' ').append(r.body()).append('\n'));
        return s.toString();
    }

    public Collection<Msg> allMessages() {
        return messages.values();
    }

    @Override
    public void close() {
        http.stop(0);
        try {
            gateway.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
