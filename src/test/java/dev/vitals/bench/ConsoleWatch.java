package dev.vitals.bench;

import dev.vitals.ConsoleClient;
import dev.vitals.ConsoleClient.Msg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import tools.jackson.core.type.TypeReference;

/**
 * Sees a reply the way the console page does: it listens to the console's server-sent events
 * ({@code GET /console/api/events}, "something changed") and reads the channel again at each one. A
 * reply counts as seen when that read returns it, so a latency includes one read, and no polling
 * interval (and no polling load) distorts it.
 */
final class ConsoleWatch implements AutoCloseable {
    private final ConsoleClient console;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition news = lock.newCondition();
    private long changes;
    private final CompletableFuture<HttpResponse<Stream<String>>> stream;

    ConsoleWatch(int port) {
        this.console = new ConsoleClient(port);
        HttpRequest events = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/console/api/events"))
                .header("Accept", "text/event-stream").GET().build();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        stream = http.sendAsync(events, HttpResponse.BodyHandlers.ofLines());
        stream.thenAccept(r -> Thread.ofVirtual().name("console-events").start(() -> {
            try (Stream<String> lines = r.body()) {
                lines.forEach(line -> {
                    if (line.startsWith("event:")) {
                        opened.complete(null);
                        lock.lock();
                        try {
                            changes++;
                            news.signalAll();
                        } finally {
                            lock.unlock();
                        }
                    }
                });
            } catch (RuntimeException closed) {
                // the watch was closed, or Vitals stopped
            }
        }));
        opened.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    ConsoleClient console() {
        return console;
    }

    /**
     * Waits until {@code read} returns a message that matches, reading again whenever the console says
     * something changed (and every 250 ms in case a change was missed). Returns the message.
     */
    Msg await(String what, java.util.function.Supplier<List<Msg>> read, Predicate<Msg> match, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        List<Msg> last = List.of();
        while (true) {
            long seen;
            lock.lock();
            try {
                seen = changes;
            } finally {
                lock.unlock();
            }
            last = read.get();
            for (Msg m : last) {
                if (match.test(m)) {
                    return m;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within " + atMost + ": " + what + "; read last: "
                        + last.stream().limit(5).map(m -> m.id() + " " + m.author() + ": " + m.text()
                        + " " + m.components() + " " + m.reactions()).toList());
            }
            lock.lock();
            try {
                if (changes == seen) {
                    news.awaitNanos(Duration.ofMillis(250).toNanos());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The messages of a channel after an id, as {@code user} sees them (their private answers too). */
    List<Msg> after(String channel, long afterId, String user) {
        ConsoleClient.Response r = console.get("/console/api/messages?channel=" + channel + "&after=" + afterId
                + "&user=" + user);
        if (r.status() != 200) {
            throw new AssertionError("GET messages → " + r.status() + " " + r.body());
        }
        return console.read(r.body(), new TypeReference<List<Msg>>() { });
    }

    @Override
    public void close() {
        stream.thenAccept(r -> r.body().close());
        stream.cancel(true);
        http.shutdownNow();
    }
}
