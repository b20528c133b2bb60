package dev.vitals.deploy;

import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The working state of one pipeline execution: what served before, what this run created, and which
 * traffic moves it made (so that a failure can undo exactly those). Everything here is also recorded
 * in the {@link RunJournal} as it happens, so a restarted Vitals can tell what the run did.
 */
final class Run {
    private static final Logger log = LoggerFactory.getLogger(Run.class);
    final Deployment deployment;
    final Environment env;
    final Service service;
    /** Containers that served the service when the run began, in replacement order. */
    final List<ContainerInfo> previous;
    /** Containers this run created (removed again if it fails). */
    final List<String> created = new ArrayList<>();
    /** Containers that serve the new version, created or reused, in order. */
    final List<String> incoming = new ArrayList<>();
    /** Of those, kept stopped containers this run started (a rollback): stopped again on failure. */
    final List<String> restarted = new ArrayList<>();
    /** Traffic moves intended so far (made, or interrupted half-way); undone in reverse on failure. */
    final List<Move> moves = new ArrayList<>();
    /** Old containers this run stopped (recreate), started again on failure. */
    final List<String> stopped = new ArrayList<>();
    /** Whether what the run began with ({@link #previous}, reused containers) is recorded; by the pipeline's thread. */
    boolean beginningRecorded;
    private final Consumer<String> narrator;
    /**
     * The preflight's engine checks when the request that started this run began them (while its card was
     * posted); taken by the preflight, which otherwise begins them itself.
     */
    private volatile Steps.EngineChecks engineChecks;
    private volatile String cancelledBy;
    private volatile boolean lateCancelAnswered;

    /** A traffic move; {@code seq} is its number in the {@link RunJournal}. */
    record Move(int seq, String from, String to) {
    }

    Run(Deployment deployment, Environment env, Service service, List<ContainerInfo> previous,
        Consumer<String> narrator) {
        this.deployment = deployment;
        this.env = env;
        this.service = service;
        this.previous = List.copyOf(previous);
        this.narrator = narrator;
    }

    /** Hands the run the preflight's engine checks its request began. */
    Run withEngineChecks(Steps.EngineChecks begun) {
        this.engineChecks = begun;
        return this;
    }

    /** The engine checks the request began, once: a preflight run again makes its own. */
    Optional<Steps.EngineChecks> takeEngineChecks() {
        Steps.EngineChecks begun = engineChecks;
        engineChecks = null;
        return Optional.ofNullable(begun);
    }

    /** Tells the thread; a failure to tell is logged, never a reason to undo the run. */
    void say(String line) {
        try {
            narrator.accept(line);
        } catch (RuntimeException e) {
            log.warn("Could not tell the thread of {}: {}", deployment.id(), e.toString());
        }
    }

    void requestCancel(String actor) {
        cancelledBy = actor;
    }

    boolean cancelRequested() {
        return cancelledBy != null;
    }

    /**
     * True once, when a cancel was accepted but traffic moved before the pipeline could act on it: the
     * person who asked is then told that it no longer applies, rather than hearing nothing.
     */
    boolean lateCancelToAnswer() {
        if (cancelledBy == null || !trafficMoved() || lateCancelAnswered) {
            return false;
        }
        lateCancelAnswered = true;
        return true;
    }

    String cancelledBy() {
        return cancelledBy;
    }

    /** Past this point a failure must move traffic back rather than just clean up. */
    boolean trafficMoved() {
        return !moves.isEmpty() || !stopped.isEmpty();
    }

    String previousVersion() {
        return previous.isEmpty() ? null : LiveVersions.versionOf(previous.getFirst());
    }

    String containerName(int replica) {
        String base = env.name() + "-" + service.name() + "-" + deployment.version().replaceAll("[^A-Za-z0-9_.-]", "")
                + "-" + deployment.id().toLowerCase();
        return service.replicas() > 1 ? base + "-" + replica : base;
    }
}
