package dev.vitals.chat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Coalesces what a busy pipeline says so chat stays within its rate limits: at most one message per
 * thread and one edit per card every {@code interval} (2 s by default). Lines are not dropped: they
 * are joined into the next message, and what chat refuses is tried again (for up to 15 minutes). A
 * message that would exceed the platform's 2000 characters is split across several posts.
 */
@Component
public class ThreadWriter implements AutoCloseable, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ThreadWriter.class);
    static final int MAX_MESSAGE = 1900;

    private final ChatPlatform chat;
    private final Clock clock;
    private final Duration interval;
    /** Guards the queues below; held only while they change, never while chat is called. */
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private final Map<ThreadRef, Pending> threads = new LinkedHashMap<>();
    private final Map<String, PendingEdit> cards = new LinkedHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vitals-chat-writer");
        t.setDaemon(true);
        return t;
    });

    @Autowired
    ThreadWriter(ChatPlatform chat, Clock clock, ChatProperties properties) {
        this(chat, clock, properties.chat().coalesce(), true);
    }

    /** Without {@code ticking}, only explicit {@link #flushDue()} calls send (for tests that move the clock). */
    ThreadWriter(ChatPlatform chat, Clock clock, Duration interval, boolean ticking) {
        this.chat = chat;
        this.clock = clock;
        this.interval = interval;
        if (ticking) {
            ticker.scheduleWithFixedDelay(this::flushDue, 100, 100, TimeUnit.MILLISECONDS);
        }
    }

    private static final class Pending {
        final List<String> lines = new ArrayList<>();
        Instant lastPost = Instant.EPOCH;
        Instant failingSince;
    }

    private static final class PendingEdit {
        MessageRef ref;
        /** Draws the card's latest content when its edit is sent; null when no edit waits. */
        Supplier<Message> latest;
        /** What the card shows now, as far as this writer knows. */
        Message shown;
        Instant lastEdit = Instant.EPOCH;
        Instant failingSince;
    }

    /** Queues a line for the thread; it is posted within one interval. */
    public void append(ThreadRef thread, String line) {
        lock.lock();
        try {
            threads.computeIfAbsent(thread, t -> new Pending()).lines.add(line);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells the writer what a card just posted shows, so that an edit that would not change it is not
     * sent and does not hold back the next one by an interval.
     */
    public void posted(MessageRef card, Message content) {
        lock.lock();
        try {
            PendingEdit e = cards.computeIfAbsent(card.id(), k -> new PendingEdit());
            e.ref = card;
            e.shown = content;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces a card's content; only the latest content is sent, at most once per interval, and not at
     * all when it is what the card already shows.
     */
    public void editCard(MessageRef card, Message content) {
        editCard(card, () -> content);
    }

    /**
     * Marks a card as changed; {@code draw} makes its content when the edit is due, at most once per interval
     * however often the card changed meanwhile, so it should read the latest state (null: nothing to show).
     */
    public void editCard(MessageRef card, Supplier<Message> draw) {
        lock.lock();
        try {
            PendingEdit e = cards.computeIfAbsent(card.id(), k -> new PendingEdit());
            e.ref = card;
            e.latest = draw;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends whatever is due now; the ticker calls this, and tests can too. What chat does not take (its
     * database or its server does not answer) is queued again, ahead of newer lines, and tried at the
     * next interval; only after {@link #GIVE_UP_AFTER} of failures is it dropped, with an error logged.
     */
    void flushDue() {
        Instant now = clock.instant();
        List<Runnable> sends = new ArrayList<>();
        lock.lock();
        try {
            threads.forEach((thread, p) -> {
                if (!p.lines.isEmpty() && !now.isBefore(p.lastPost.plus(interval))) {
                    List<String> messages = split(p.lines);
                    p.lines.clear();
                    p.lastPost = now;
                    sends.add(() -> post(thread, p, messages, now));
                }
            });
            cards.forEach((id, e) -> {
                if (e.latest != null && !now.isBefore(e.lastEdit.plus(interval))) {
                    Supplier<Message> draw = e.latest;
                    MessageRef ref = e.ref;
                    e.latest = null;
                    sends.add(() -> edit(e, ref, draw, now));
                }
            });
        } finally {
            lock.unlock();
        }
        sends.forEach(Runnable::run);
    }

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(15);

    private void post(ThreadRef thread, Pending p, List<String> messages, Instant now) {
        for (int i = 0; i < messages.size(); i++) {
            try {
                chat.postInThread(thread, Message.text(messages.get(i)));
                p.failingSince = null;
            } catch (RuntimeException ex) {
                requeue(p, messages.subList(i, messages.size()), now, ex);
                return;
            }
        }
    }

    /** Draws the card and sends it, unless it is what the card already shows (which holds back nothing). */
    private void edit(PendingEdit e, MessageRef ref, Supplier<Message> draw, Instant now) {
        try {
            Message content = draw.get();
            lock.lock();
            try {
                if (content == null || content.equals(e.shown)) {
                    return;
                }
                e.lastEdit = now;
                e.shown = content;
            } finally {
                lock.unlock();
            }
            chat.edit(ref, content);
            e.failingSince = null;
        } catch (RuntimeException ex) {
            requeue(e, draw, now, ex);
        }
    }

    private void requeue(Pending p, List<String> unsent, Instant now, RuntimeException ex) {
        lock.lock();
        try {
            if (p.failingSince == null) {
                p.failingSince = now;
            }
            if (now.isAfter(p.failingSince.plus(GIVE_UP_AFTER))) {
                log.error("Chat has refused a thread's messages for {}; {} message(s) dropped: {}", GIVE_UP_AFTER,
                        unsent.size(), ex.getMessage());
                p.failingSince = null;
                return;
            }
            p.lines.addAll(0, unsent);
        } finally {
            lock.unlock();
        }
        log.warn("Could not post to chat, will try again: {}", ex.getMessage());
    }

    private void requeue(PendingEdit e, Supplier<Message> draw, Instant now, RuntimeException ex) {
        lock.lock();
        try {
            e.shown = null;
            if (e.failingSince == null) {
                e.failingSince = now;
            }
            if (now.isAfter(e.failingSince.plus(GIVE_UP_AFTER))) {
                log.error("Chat has refused a card's edits for {}; edit dropped: {}", GIVE_UP_AFTER, ex.getMessage());
                e.failingSince = null;
                return;
            }
            if (e.latest == null) {
                e.latest = draw;
            }
        } finally {
            lock.unlock();
        }
        log.warn("Could not edit a card in chat, will try again: {}", ex.getMessage());
    }

    static List<String> split(List<String> lines) {
        List<String> messages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String l = line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE - 1) + "…" : line;
            if (current.length() + l.length() + 1 > MAX_MESSAGE) {
                messages.add(current.toString());
                current.setLength(0);
            }
            if (!current.isEmpty()) {
                current.append('\n');
            }
            current.append(l);
        }
        if (!current.isEmpty()) {
            messages.add(current.toString());
        }
        return messages;
    }

    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * At shutdown, before any bean is destroyed: what is queued is sent at once, while the cards' drawing can
     * still read the database. The ticker goes on until {@link #close} for what is said after.
     */
    @Override
    public void stop() {
        running = false;
        sendAllNow();
    }

    @Override
    public void close() {
        ticker.shutdown();
        // What is still queued at shutdown is sent at once, so no line is lost.
        sendAllNow();
    }

    private void sendAllNow() {
        lock.lock();
        try {
            threads.values().forEach(p -> p.lastPost = Instant.EPOCH);
            cards.values().forEach(e -> e.lastEdit = Instant.EPOCH);
        } finally {
            lock.unlock();
        }
        flushDue();
    }
}
