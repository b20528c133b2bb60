package dev.vitals.chat.discord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Paces the messages and edits Vitals sends to each Discord channel (a thread is a channel of its own).
 * Discord counts both against one bucket per channel, about 5 per 5 s; JDA keys its buckets by route
 * until an answer names the bucket, so its first edit in a channel whose posts used the window up went
 * out unthrottled and drew a 429. Here requests to one channel go out one at a time, in the order they
 * were asked for, and the (n + limit)-th not before {@code window} after the n-th was <em>answered</em>:
 * Discord's window opens when a request arrives, which is before its answer, so it has always closed.
 * <p>
 * The caller's own thread sends its request once its turn comes; until then it waits on a future that
 * a scheduler completes (no lock is held while waiting or sending). Time is read from the clock; the
 * wait it computes is served once, so a clock that stands still cannot hold a channel up for ever.
 */
final class ChannelPacer implements AutoCloseable {
    private final Clock clock;
    private final int limit;
    private final Duration window;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("vitals-discord-pacer").daemon(true).factory());

    ChannelPacer(Clock clock, int limit, Duration window) {
        if (limit < 1 || window.isNegative()) {
            throw new IllegalArgumentException("a pace needs at least one request per window: " + limit + " per " + window);
        }
        this.clock = clock;
        this.limit = limit;
        this.window = window;
    }

    /** One channel's queue and the times its latest requests were answered. */
    private static final class Lane {
        final String channelId;
        final ReentrantLock lock = new ReentrantLock();
        final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
        /** When the latest {@code limit} requests were answered, oldest first. */
        final ArrayDeque<Instant> answered = new ArrayDeque<>();
        boolean sending;
        /** Forgotten (idle for a window): whoever still holds it takes the channel's new lane instead. */
        boolean retired;

        Lane(String channelId) {
            this.channelId = channelId;
        }
    }

    /**
     * Sends {@code request} to the channel when the pace allows, after every request asked for before it,
     * and returns its result (or throws what it threw).
     */
    <T> T send(String channelId, Supplier<T> request) {
        CompletableFuture<Void> turn = new CompletableFuture<>();
        Duration wait = null;
        Lane lane;
        while (true) {
            lane = lanes.computeIfAbsent(channelId, Lane::new);
            lane.lock.lock();
            try {
                if (lane.retired) {
                    continue;
                }
                if (lane.sending) {
                    lane.waiting.addLast(turn);
                } else {
                    lane.sending = true;
                    wait = waitBeforeNext(lane);
                }
                break;
            } finally {
                lane.lock.unlock();
            }
        }
        if (wait != null) {
            give(turn, wait);
        }
        await(turn);
        try {
            return request.get();
        } finally {
            done(lane);
        }
    }

    private void done(Lane lane) {
        CompletableFuture<Void> next;
        Duration wait;
        lane.lock.lock();
        try {
            lane.answered.addLast(clock.instant());
            while (lane.answered.size() > limit) {
                lane.answered.removeFirst();
            }
            next = lane.waiting.pollFirst();
            if (next == null) {
                lane.sending = false;
                forgetWhenIdle(lane);
                return;
            }
            wait = waitBeforeNext(lane);
        } finally {
            lane.lock.unlock();
        }
        give(next, wait);
    }

    /** With the lane's lock held: how long the next request must wait to stay within the limit. */
    private Duration waitBeforeNext(Lane lane) {
        if (lane.answered.size() < limit) {
            return Duration.ZERO;
        }
        Duration wait = Duration.between(clock.instant(), lane.answered.peekFirst().plus(window));
        // (never more than a window, should the clock be set back)
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(window) > 0 ? window : wait;
    }

    /**
     * A thread gets a lane of its own, and a deployment a thread: a lane idle for a whole window (a fresh
     * one would pace the same) is forgotten, so they do not pile up.
     */
    private void forgetWhenIdle(Lane lane) {
        try {
            timer.schedule(() -> {
                lane.lock.lock();
                try {
                    Instant last = lane.answered.peekLast();
                    if (!lane.sending && (last == null || !clock.instant().isBefore(last.plus(window)))) {
                        lane.retired = true;
                        lanes.remove(lane.channelId, lane);
                    }
                } finally {
                    lane.lock.unlock();
                }
            }, window.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: nothing left to forget
        }
    }

    private void give(CompletableFuture<Void> turn, Duration wait) {
        if (wait.isZero()) {
            turn.complete(null);
            return;
        }
        try {
            timer.schedule(() -> turn.complete(null), wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Vitals is stopping: let the request go (and fail, or not) rather than wait for ever.
            turn.complete(null);
        }
    }

    /**
     * Waits for the turn without giving it up when interrupted: a turn granted but not taken would hold
     * up everyone queued behind it. The interrupt is kept for the caller.
     */
    private static void await(CompletableFuture<Void> turn) {
        boolean interrupted = false;
        while (true) {
            try {
                turn.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Channels with a lane: one that sent within the last window or has requests waiting. */
    int channels() {
        return lanes.size();
    }

    @Override
    public void close() {
        // Turns already scheduled are given at once (the sweeps are harmless), so nobody waits on a stopped timer.
        timer.shutdownNow().forEach(Runnable::run);
    }
}
