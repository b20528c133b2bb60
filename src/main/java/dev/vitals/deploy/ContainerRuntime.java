package dev.vitals.deploy;

import dev.vitals.catalog.Catalog.EngineEndpoint;
import dev.vitals.catalog.Catalog.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Docker engine as the deploy pipeline needs it. Every method names the engine it talks to; an
 * engine that does not answer raises {@link EngineUnavailableException}, never a hang.
 */
public interface ContainerRuntime {

    /**
     * The longest a single engine call (other than event streams and waits for a one-shot container)
     * takes before it fails with {@link EngineUnavailableException}.
     */
    default Duration callTimeout() {
        return Duration.ofSeconds(60);
    }

    /**
     * Closes the connections to the engine: calls still in flight on them fail at once. The next call
     * connects again.
     */
    default void closeConnections(EngineEndpoint engine) {
    }

    /** The engine's version; throws {@link EngineUnavailableException} when it does not answer. */
    String ping(EngineEndpoint engine);

    /** The image behind a reference such as {@code vitals-demo/backend:v1.4}, if the engine has it. */
    Optional<ImageInfo> image(EngineEndpoint engine, String imageRef);

    /** The tags the engine has for a repository, e.g. {@code [v1.3, v1.4]} for {@code vitals-demo/backend}. */
    List<String> tags(EngineEndpoint engine, String repository);

    /** Creates the user-defined bridge network if it does not exist. */
    void ensureNetwork(EngineEndpoint engine, String network);

    /** Whether the engine has a network of exactly this name. */
    boolean networkExists(EngineEndpoint engine, String network);

    /** All containers, running or not, that carry every one of the given labels. */
    List<ContainerInfo> containers(EngineEndpoint engine, Map<String, String> labels);

    /**
     * Every container attached to the network, running or not, whoever made it (also containers without
     * Vitals' labels); empty when the network does not exist.
     */
    default List<ContainerInfo> attachedTo(EngineEndpoint engine, String network) {
        return attachedTo(engine, network, labels -> true);
    }

    /**
     * As {@link #attachedTo(EngineEndpoint, String)}, only the containers whose labels {@code worthALook}
     * accepts: a preflight on a busy network need not inspect every container there, only those that could
     * answer as its service without being its own.
     */
    List<ContainerInfo> attachedTo(EngineEndpoint engine, String network,
                                   java.util.function.Predicate<Map<String, String>> worthALook);

    /** The container's current state, or empty when it no longer exists. */
    Optional<ContainerInfo> inspect(EngineEndpoint engine, String containerId);

    /**
     * Creates (does not start) a container attached to {@code spec.network()} with
     * {@code spec.aliases()} on it; returns its id.
     */
    String create(EngineEndpoint engine, ContainerSpec spec);

    void start(EngineEndpoint engine, String containerId);

    void stop(EngineEndpoint engine, String containerId, Duration grace);

    /** Removes the container (forcefully); a container that is already gone is not an error. */
    void remove(EngineEndpoint engine, String containerId);

    void connect(EngineEndpoint engine, String containerId, String network, List<String> aliases);

    /**
     * Takes the container's aliases on the network away while it stays attached at the same address:
     * it leaves the service's DNS name, but a client that resolved that address a moment earlier still
     * reaches it (its connection attempt is at most retried once) instead of hanging on a vanished address.
     */
    void dropAliases(EngineEndpoint engine, String containerId, String network);

    /** Disconnects; a container that is not on the network is not an error. */
    void disconnect(EngineEndpoint engine, String containerId, String network);

    /**
     * Runs a one-shot container to completion and removes it: exit code and the tail of its output,
     * or {@code timedOut} (the container is killed and removed) when it outlives {@code timeout}.
     */
    OneShotResult runOnce(EngineEndpoint engine, ContainerSpec spec, Duration timeout);

    /**
     * Streams health transitions of containers carrying the given labels until the returned handle is
     * closed, or until the engine ends the stream (it restarted, the connection broke): the handle then
     * says it is {@link HealthStream#broken() broken}, and a new watch is needed.
     */
    HealthStream watchHealth(EngineEndpoint engine, Map<String, String> labels, Consumer<HealthEvent> listener);

    /**
     * Streams what changes the containers on the engine and their networks (created, started, died,
     * stopped, destroyed, renamed, paused, health transitions; network connects and disconnects) until the
     * returned handle is closed, or until the engine ends the stream: the handle then says it is
     * {@link EventStream#broken() broken}, and a new watch is needed. Health check runs themselves
     * ({@code exec_*}) are not changes.
     */
    EventStream watchChanges(EngineEndpoint engine, Consumer<EngineChange> listener);

    /**
     * The containers of interest on the engine, running or not, from one listing: those whose labels
     * {@code labelled} accepts and those attached to one of {@code networks}. A container is inspected only
     * when its listing differs from the last survey of this engine (state, health, network endpoints) or
     * when {@code changed} names it; otherwise what that survey inspected is given again (its health-check
     * log may then be older).
     */
    List<ContainerInfo> survey(EngineEndpoint engine, java.util.function.Predicate<Map<String, String>> labelled,
                               java.util.Set<String> networks, java.util.Set<String> changed);

    /** An open stream of engine events. */
    interface EventStream extends AutoCloseable {
        /** True once the engine ended the stream without it being closed here. */
        boolean broken();

        @Override
        void close();
    }

    /** An open stream of health transitions. */
    interface HealthStream extends EventStream {
    }

    /**
     * One change on an engine: the container it concerns, for a network event the network's name (else
     * null), the container's labels as the engine gave them with the event (may be empty), the action
     * ({@code start}, {@code die}, {@code connect}, {@code health_status: healthy}, ...).
     */
    record EngineChange(String containerId, String network, Map<String, String> labels, String action,
                        java.time.Instant at) {
        public EngineChange {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    record ImageInfo(String id, List<String> tags) {
    }

    /**
     * A container to create. {@code healthCheck} empty = the image's own HEALTHCHECK.
     * {@code ports} maps container port to host port, published on 127.0.0.1 only. Every container runs
     * within {@code resources} and without a way to gain privileges (no-new-privileges).
     */
    record ContainerSpec(String name, String image, Map<String, String> labels, Map<String, String> env,
                         List<String> command, String network, List<String> aliases,
                         Optional<HealthCheck> healthCheck, Map<Integer, Integer> ports, List<String> volumes,
                         Resources resources) {
        public ContainerSpec {
            resources = resources == null ? Resources.SAFE_DEFAULTS : resources;
        }

        /** A container within the catalog's safe default limits. */
        public ContainerSpec(String name, String image, Map<String, String> labels, Map<String, String> env,
                             List<String> command, String network, List<String> aliases,
                             Optional<HealthCheck> healthCheck, Map<Integer, Integer> ports, List<String> volumes) {
            this(name, image, labels, env, command, network, aliases, healthCheck, ports, volumes,
                    Resources.SAFE_DEFAULTS);
        }
    }

    record HealthCheck(List<String> test, Duration interval, Duration timeout, int retries, Duration startPeriod) {
    }

    enum Health { NONE, STARTING, HEALTHY, UNHEALTHY }

    /**
     * What the engine shows of a container. {@code aliases} are its aliases per network it is attached
     * to (a container on a network with no alias maps to an empty list).
     */
    /** {@code healthChecks}: the engine's last health check results, oldest first, one line each (may be empty). */
    record ContainerInfo(String id, String name, String image, String imageId, Map<String, String> labels,
                         boolean running, String status, java.time.Instant startedAt, Health health,
                         Map<String, List<String>> aliases, List<String> healthChecks) {
        public ContainerInfo {
            healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
        }

        public ContainerInfo(String id, String name, String image, String imageId, Map<String, String> labels,
                             boolean running, String status, java.time.Instant startedAt, Health health,
                             Map<String, List<String>> aliases) {
            this(id, name, image, imageId, labels, running, status, startedAt, health, aliases, List.of());
        }

        public boolean servesAs(String network, String alias) {
            return running && aliases.getOrDefault(network, List.of()).contains(alias);
        }
    }

    record OneShotResult(int exitCode, boolean timedOut, String outputTail) {
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }

    record HealthEvent(String containerId, Health health, java.time.Instant at) {
    }
}
