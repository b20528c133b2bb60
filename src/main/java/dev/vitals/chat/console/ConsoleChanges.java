package dev.vitals.chat.console;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Tells the open console pages that something changed (a message, an edit, a reaction, a thread), so
 * they read again over the JSON API: the stream carries no content, only that there is news, which
 * keeps what a page may see decided in one place (the API and its checks).
 */
@Component
class ConsoleChanges implements DisposableBean {
    /** A page reconnects by itself when its stream ends; a bounded stream never outlives a shutdown by much. */
    static final Duration STREAM_LIFETIME = Duration.ofMinutes(5);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final List<SseEmitter> pages = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-heartbeat");
        t.setDaemon(true);
        return t;
    });

    ConsoleChanges() {
        heartbeat.scheduleWithFixedDelay(() -> send("ping", "-"), HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(),
                TimeUnit.SECONDS);
    }

    SseEmitter open() {
        SseEmitter emitter = new SseEmitter(STREAM_LIFETIME.toMillis());
        pages.add(emitter);
        emitter.onCompletion(() -> pages.remove(emitter));
        emitter.onTimeout(() -> pages.remove(emitter));
        emitter.onError(e -> pages.remove(emitter));
        try {
            emitter.send(SseEmitter.event().name("hello").data("-"));
        } catch (IOException e) {
            pages.remove(emitter);
        }
        return emitter;
    }

    /** Message {@code id} changed; pages hear of it once the change is committed (or at once outside a transaction). */
    void changed(long id) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    send("change", Long.toString(id));
                }
            });
        } else {
            send("change", Long.toString(id));
        }
    }

    private void send(String name, String data) {
        for (SseEmitter page : pages) {
            try {
                page.send(SseEmitter.event().name(name).data(data));
            } catch (IOException | IllegalStateException e) {
                pages.remove(page);
                page.completeWithError(e);
            }
        }
    }

    @Override
    public void destroy() {
        heartbeat.shutdownNow();
        pages.forEach(SseEmitter::complete);
        pages.clear();
    }
}
