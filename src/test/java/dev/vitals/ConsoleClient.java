package dev.vitals;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Drives Vitals the way a person (or a script) does: through the local console's JSON API. */
public final class ConsoleClient {
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String base;
    private final String bearer;

    public ConsoleClient(int port) {
        this("http://127.0.0.1:" + port, null);
    }

    private ConsoleClient(String base, String bearer) {
        this.base = base;
        this.bearer = bearer;
    }

    /** The same client sending {@code Authorization: Bearer <token>} (a console user's or the API's). */
    public ConsoleClient withToken(String token) {
        return new ConsoleClient(base, token);
    }

    public record Component(String id, String label) {
    }

    public record Reaction(String emoji, List<String> users) {
    }

    public record Attachment(String name, String contentType, long size, String url) {
    }

    public record Msg(String id, String channel, String threadId, String author, String text,
                      List<Component> components, List<Reaction> reactions, String createdAt, String editedAt,
                      List<Attachment> attachments, String visibleTo, String replyTo) {
        public long number() {
            return Long.parseLong(id);
        }
    }

    public record Response(int status, String body) {
    }

    public Response send(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            }
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(
                        body instanceof String s ? s : json.writeValueAsString(body)));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public <T> T read(String body, TypeReference<T> type) {
        return json.readValue(body, type);
    }

    /** Posts a line as a user; returns the id of the posted message. */
    public String say(String user, String channel, String text) {
        Response r = send("POST", "/console/api/messages", Map.of("user", user, "channel", channel, "text", text));
        if (r.status() != 201) {
            throw new AssertionError("POST /console/api/messages → " + r.status() + " " + r.body());
        }
        return json.readValue(r.body(), new TypeReference<Map<String, String>>() { }).get("id");
    }

    public String sayInThread(String user, String threadId, String text) {
        Response r = send("POST", "/console/api/messages", Map.of("user", user, "threadId", threadId, "text", text));
        if (r.status() != 201) {
            throw new AssertionError("POST /console/api/messages → " + r.status() + " " + r.body());
        }
        return json.readValue(r.body(), new TypeReference<Map<String, String>>() { }).get("id");
    }

    public List<Msg> channel(String channel) {
        return list("/console/api/messages?channel=" + channel);
    }

    public List<Msg> thread(String threadId) {
        return list("/console/api/messages?threadId=" + threadId);
    }

    private List<Msg> list(String path) {
        Response r = get(path);
        if (r.status() != 200) {
            throw new AssertionError("GET " + path + " → " + r.status() + " " + r.body());
        }
        return json.readValue(r.body(), new TypeReference<List<Msg>>() { });
    }

    /** Types a command and waits for the bot's answer right after it in the same channel. */
    public String ask(String user, String channel, String text) {
        return answer(user, channel, text).text();
    }

    /**
     * Like {@link #ask}, but the whole answer: text, buttons, attachments (and answers only the user sees).
     * The answer is Vitals' message marked as the reply to this command's message.
     */
    public Msg answer(String user, String channel, String text) {
        String id = say(user, channel, text);
        return awaitMessageSeenBy(user, channel, Long.parseLong(id), m -> m.author().equals("vitals") && id.equals(m.replyTo()));
    }

    /** The channel as {@code user} reads it: everyone's messages and those meant for that user alone. */
    public List<Msg> channelSeenBy(String user, String channel) {
        return list("/console/api/messages?channel=" + channel + "&user=" + user);
    }

    /** Waits for the first message after {@code afterId} in the channel that matches. */
    public Msg awaitMessage(String channel, long afterId, Predicate<Msg> match) {
        return awaitMessageSeenBy(null, channel, afterId, match);
    }

    /** Like {@link #awaitMessage}, reading as {@code user} (null: only what everyone sees). */
    public Msg awaitMessageSeenBy(String user, String channel, long afterId, Predicate<Msg> match) {
        return awaitMessageSeenBy(user, channel, afterId, match, Duration.ofMillis(100));
    }

    /** As {@link #awaitMessageSeenBy(String, String, long, Predicate)}, asking first after {@code poll} and every {@code poll}. */
    public Msg awaitMessageSeenBy(String user, String channel, long afterId, Predicate<Msg> match, Duration poll) {
        AtomicReference<Msg> found = new AtomicReference<>();
        String path = "/console/api/messages?channel=" + channel + "&after=" + afterId + (user == null ? "" : "&user=" + user);
        await().atMost(Duration.ofSeconds(30)).pollDelay(poll).pollInterval(poll).until(() -> {
            for (Msg m : list(path)) {
                if (match.test(m)) {
                    found.set(m);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    /** Every audit entry about a subject (e.g. a deployment id), in chain order, paging through GET /api/audit. */
    public List<Map<String, Object>> auditAbout(String subject) {
        List<Map<String, Object>> about = new java.util.ArrayList<>();
        long after = 0;
        while (true) {
            List<Map<String, Object>> page = read(get("/api/audit?limit=1000&after=" + after).body(),
                    new TypeReference<List<Map<String, Object>>>() { });
            if (page.isEmpty()) {
                return about;
            }
            page.stream().filter(e -> subject.equals(e.get("subject"))).forEach(about::add);
            after = ((Number) page.getLast().get("id")).longValue();
        }
    }

    public void react(String user, String messageId, String emoji) {
        expect(204, send("POST", "/console/api/reactions", Map.of("user", user, "messageId", messageId, "emoji", emoji)));
    }

    public void unreact(String user, String messageId, String emoji) {
        expect(204, send("DELETE", "/console/api/reactions", Map.of("user", user, "messageId", messageId, "emoji", emoji)));
    }

    public void click(String user, String messageId, String button) {
        expect(204, send("POST", "/console/api/clicks", Map.of("user", user, "messageId", messageId, "button", button)));
    }

    private static void expect(int status, Response r) {
        if (r.status() != status) {
            throw new AssertionError("expected " + status + " but got " + r.status() + " " + r.body());
        }
    }
}
