package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.EngineEndpoint;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.deploy.ContainerRuntime.EngineChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * What every engine shows of the containers that matter to read-only answers ({@code /status}, the
 * dashboard), kept on every Vitals process (active and standby) so that those answers ask no engine.
 *
 * <p>Per engine (environments that share one share its listing): the containers Vitals made for its
 * environments and those attached to their networks (for the unmanaged-alias warning), the engine's version,
 * when the last listing succeeded, and since when and why the engine does not answer, if it does not.
 *
 * <p>Kept current by the engine's events: a change heard for one of its environments lists the engine again
 * after {@link #DEBOUNCE} (one listing runs, at most one more waits; changes heard meanwhile join the waiting
 * one), re-inspecting only the containers the listing or the events show as changed. Reconciled every
 * {@code vitals.engine-state.refresh} (5 s) whatever the events said: a missed event leaves the state stale by
 * no more than that, a broken event stream is opened again at that pace, and an engine that stops answering
 * is known as such within it.
 *
 * <p>An answer never asks the engine itself, and does not wait for changes others make (those show within
 * the debounce and one listing). It waits (at most {@link #CATCH_UP_WAIT}) only for a listing that covers the
 * changes Vitals itself finished before it was asked ({@link #madeChanges}: a deployment that ended shows in
 * the next answer), and at start for the first look at the engine (at most {@link #FIRST_LOOK_WAIT}).
 * Decisions that change anything (pipeline steps, the reconciler) ask the engine directly.
 */
@Component
@EnableConfigurationProperties(EngineStateProperties.class)
class EngineState implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(EngineState.class);

    static final Duration DEBOUNCE = Duration.ofMillis(100);
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(1);
    static final Duration FIRST_LOOK_WAIT = Duration.ofSeconds(5);

    private final Catalog catalog;
    private final ContainerRuntime runtime;
    private final Clock clock;
    private final Duration refresh;
    private final Map<EngineEndpoint, Engine> engines = new LinkedHashMap<>();
    private volatile ScheduledExecutorService timer;
    private volatile boolean running;

    EngineState(Catalog catalog, ContainerRuntime runtime, Clock clock, EngineStateProperties properties) {
        this.catalog = catalog;
        this.runtime = runtime;
        this.clock = clock;
        this.refresh = properties.refresh();
        Map<EngineEndpoint, List<Environment>> byEngine = catalog.environments().values().stream()
                .collect(Collectors.groupingBy(Environment::engine, LinkedHashMap::new, Collectors.toList()));
        byEngine.forEach((endpoint, envs) -> engines.put(endpoint, new Engine(endpoint, envs)));
    }

    /**
     * One environment as last seen: {@code version} of its engine (null if never seen), the containers Vitals
     * made for it ({@code managed}, replicas, pages and hooks alike), those attached to its network
     * ({@code attached}, anyone's), when that listing was made ({@code seenAt}, null if never), and when the
     * engine does not answer, {@code failure} (why) and {@code failingSince}. {@code stale}: the listing is older
     * than twice the refresh period (the engine is slow or gone), or there is none.
     */
    record View(Environment env, String version, List<ContainerInfo> managed, List<ContainerInfo> attached,
                Instant seenAt, String failure, Instant failingSince, boolean stale, Duration refresh) {
        boolean unreachable() {
            return failure != null;
        }

        boolean neverSeen() {
            return seenAt == null;
        }
    }

    /** The environment as last seen; waits briefly for a listing under way (see the class comment). */
    View view(Environment env) {
        Engine engine = engines.get(env.engine());
        if (engine == null) {
            return new View(env, null, List.of(), List.of(), null, "its engine is not in the catalog Vitals started with",
                    clock.instant(), true, refresh);
        }
        Snapshot s = engine.awaitCurrent();
        List<ContainerInfo> managed = managedIn(s, env);
        List<ContainerInfo> attached = s.containers().stream().filter(c -> c.aliases().containsKey(env.network())).toList();
        boolean stale = s.seenAt() == null || Duration.between(s.seenAt(), clock.instant()).compareTo(refresh.multipliedBy(2)) > 0;
        return new View(env, s.version(), managed, attached, s.seenAt(), s.failure(), s.failingSince(), stale, refresh);
    }

    /**
     * The containers Vitals made for the environment in the latest listing, without waiting for one: for
     * periodic work that only looks for candidates here and asks the engine itself before acting. Empty
     * (not an empty list) before the first listing, or when the environment's engine is not watched.
     */
    Optional<List<ContainerInfo>> lastListed(Environment env) {
        Engine engine = engines.get(env.engine());
        Snapshot s = engine == null ? Snapshot.NONE : engine.snapshot;
        return s.seenAt() == null ? Optional.empty() : Optional.of(managedIn(s, env));
    }

    private static List<ContainerInfo> managedIn(Snapshot s, Environment env) {
        return s.containers().stream()
                .filter(c -> "true".equals(c.labels().get(Labels.MANAGED))
                        && env.name().equals(c.labels().get(Labels.ENVIRONMENT)))
                .toList();
    }

    /** Vitals finished changing this environment (a run ended): the next answers wait for a listing after it. */
    void madeChanges(Environment env) {
        Engine engine = engines.get(env.engine());
        if (engine != null) {
            engine.made();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        running = true;
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("engine-state").factory());
        for (Engine engine : engines.values()) {
            timer.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("engine-state-reconcile")
                    .start(engine::reconcile), 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void stop() {
        running = false;
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.shutdownNow();
        }
        engines.values().forEach(Engine::closeStream);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    // ---------------------------------------------------------------- one engine

    /** A listing of an engine, or the lack of one: {@code caughtUp} counts the changes Vitals made that it covers. */
    record Snapshot(String version, List<ContainerInfo> containers, Instant seenAt, String failure,
                    Instant failingSince, long caughtUp) {
        static final Snapshot NONE = new Snapshot(null, List.of(), null, null, null, 0);
    }

    private final class Engine {
        private final EngineEndpoint endpoint;
        private final Set<String> networks;
        private final Set<String> environments;
        /** Held for the length of one listing (engine I/O: a ReentrantLock, never a monitor). */
        private final ReentrantLock listing = new ReentrantLock();
        /** Guards the fields below it (no I/O under it); {@code changed} signals each finished listing. */
        private final ReentrantLock state = new ReentrantLock();
        private final Condition listed = state.newCondition();
        private final Set<String> changedIds = new HashSet<>();
        private boolean queued;
        /** Changes Vitals finished making on this engine ({@link #madeChanges}). */
        private long made;
        private volatile Snapshot snapshot = Snapshot.NONE;
        private volatile Set<String> known = Set.of();
        /** The open event stream; only touched by a reconcile, which holds {@link #listing}. */
        private volatile ContainerRuntime.EventStream stream;
        private boolean unwatched;

        Engine(EngineEndpoint endpoint, List<Environment> envs) {
            this.endpoint = endpoint;
            this.networks = envs.stream().map(Environment::network).collect(Collectors.toUnmodifiableSet());
            this.environments = envs.stream().map(Environment::name).collect(Collectors.toUnmodifiableSet());
        }

        /** The latest listing, after waiting briefly for a first one and for one covering the changes Vitals made. */
        Snapshot awaitCurrent() {
            long now = System.nanoTime();
            long firstBy = now + FIRST_LOOK_WAIT.toNanos();
            long caughtUpBy = now + CATCH_UP_WAIT.toNanos();
            state.lock();
            try {
                while (snapshot.seenAt() == null && snapshot.failure() == null && running) {
                    long left = firstBy - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    listed.awaitNanos(left);
                }
                long target = made;
                while (snapshot.caughtUp() < target && running) {
                    long left = caughtUpBy - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    listed.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                state.unlock();
            }
            return snapshot;
        }

        /** A change on the engine (on the event stream's thread): one that concerns an environment lists again soon. */
        void heard(EngineChange change) {
            boolean concerns = (change.network() != null && networks.contains(change.network()))
                    || ("true".equals(change.labels().get(Labels.MANAGED))
                    && environments.contains(change.labels().get(Labels.ENVIRONMENT)))
                    || known.contains(change.containerId());
            if (!concerns || !running) {
                return;
            }
            listAgainSoon(() -> changedIds.add(change.containerId()));
        }

        /** Vitals finished a run on this engine: answers wait for the listing this queues. */
        void made() {
            if (running) {
                listAgainSoon(() -> made++);
            }
        }

        /**
         * Notes a change (under the state lock) and queues a listing {@link #DEBOUNCE} later, unless one is
         * queued already (changes noted meanwhile join it).
         */
        private void listAgainSoon(Runnable note) {
            boolean schedule;
            state.lock();
            try {
                note.run();
                schedule = !queued;
                queued = true;
            } finally {
                state.unlock();
            }
            if (!schedule) {
                return;
            }
            try {
                timer.schedule(() -> Thread.ofVirtual().name("engine-state-refresh").start(this::refreshAfterChanges),
                        DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("Engine state stopped; change on {} not followed", endpoint.host());
            }
        }

        private void refreshAfterChanges() {
            listing.lock(); // waits for a listing in flight: this one is the one queued after it
            try {
                list(false);
            } finally {
                listing.unlock();
            }
        }

        /** The periodic look: the event stream reopened if it broke, the version, a full listing. */
        void reconcile() {
            if (!running || !listing.tryLock()) {
                return; // a listing is under way (or hangs on a silent engine): the next period tries again
            }
            try {
                keepWatching();
                list(true);
            } catch (RuntimeException e) {
                log.warn("Engine state of {}: {}", endpoint.host(), e.toString(), e);
            } finally {
                listing.unlock();
            }
        }

        private void keepWatching() {
            if (stream != null && !stream.broken()) {
                return;
            }
            if (stream != null) {
                stream.close();
                stream = null;
                log.info("Reopening the event stream of {}", endpoint.host());
            }
            try {
                stream = runtime.watchChanges(endpoint, this::heard);
                if (unwatched) {
                    unwatched = false;
                    log.info("Events of {} are heard again", endpoint.host());
                }
            } catch (RuntimeException e) {
                if (!unwatched) {
                    unwatched = true;
                    log.warn("No events from the engine at {} (tried again every {}): {}", endpoint.host(),
                            refresh, e.getMessage());
                }
            }
        }

        /** Lists the engine once; {@code full} also asks its version. */
        private void list(boolean full) {
            Set<String> ids;
            long upTo;
            state.lock();
            try {
                queued = false;
                ids = Set.copyOf(changedIds);
                changedIds.clear();
                upTo = made;
            } finally {
                state.unlock();
            }
            Snapshot before = snapshot;
            Snapshot after;
            try {
                String version = full || before.version() == null ? runtime.ping(endpoint) : before.version();
                List<ContainerInfo> containers = runtime.survey(endpoint, this::worthKeeping, networks, ids);
                known = containers.stream().map(ContainerInfo::id).collect(Collectors.toUnmodifiableSet());
                after = new Snapshot(version, List.copyOf(containers), clock.instant(), null, null, upTo);
                if (before.failure() != null) {
                    log.info("The engine at {} answers again", endpoint.host());
                }
            } catch (RuntimeException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                if (before.failure() == null) {
                    log.warn("The engine at {} does not answer (read-only answers show its last known state): {}",
                            endpoint.host(), why);
                }
                after = new Snapshot(before.version(), before.containers(), before.seenAt(), why,
                        before.failingSince() != null ? before.failingSince() : clock.instant(), upTo);
                state.lock();
                try {
                    changedIds.addAll(ids);
                } finally {
                    state.unlock();
                }
            }
            state.lock();
            try {
                snapshot = after;
                listed.signalAll();
            } finally {
                state.unlock();
            }
        }

        private boolean worthKeeping(Map<String, String> labels) {
            return "true".equals(labels.get(Labels.MANAGED)) && environments.contains(labels.get(Labels.ENVIRONMENT));
        }

        void closeStream() {
            ContainerRuntime.EventStream s = stream;
            if (s != null) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    log.debug("closing the event stream of {}: {}", endpoint.host(), e.toString());
                }
            }
        }
    }
}
