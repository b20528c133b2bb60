package dev.vitals.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.vitals.catalog.Catalog.EngineEndpoint;
import dev.vitals.deploy.ContainerRuntime;
import dev.vitals.deploy.EngineUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@link ContainerRuntime} on real Docker engines through docker-java (zerodep transport).
 *
 * <p>Per engine endpoint it keeps two clients: one with a response timeout for ordinary calls, and one
 * without, for event streams and waits (a response timeout would cut a quiet stream). Failures to reach
 * an engine (socket missing, connection refused, timeouts) become {@link EngineUnavailableException};
 * an engine's error about one container (name in use, image missing, ...) becomes an
 * {@link IllegalStateException} naming the engine and the container.
 *
 * <p>One-shot containers ({@link #runOnce}) get no restart policy and, unless the spec gives one, no
 * health check (the image's own would only add noise to health event streams).
 */
@Component
public class DockerContainerRuntime implements ContainerRuntime, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DockerContainerRuntime.class);

    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    static final int OUTPUT_TAIL_LINES = 20;
    private static final String PUBLISH_ADDRESS = "127.0.0.1";
    /** Processes in a container Vitals creates can never gain privileges (setuid binaries, file capabilities). */
    static final String NO_NEW_PRIVILEGES = "no-new-privileges";

    private final Map<EngineEndpoint, Clients> clients = new ConcurrentHashMap<>();

    /**
     * The two clients of one engine: {@code calls} with a response timeout, {@code streams} without, and
     * the HTTP client under {@code calls} for the one request docker-java has no command for.
     */
    record Clients(DockerClient calls, DockerClient streams, DockerHttpClient http) {
    }

    /** For an event the engine sent without a time (older engines): when it was heard. */
    private final java.time.Clock clock;

    /** Outside Spring (tests, tools): the system clock. */
    public DockerContainerRuntime() {
        this(java.time.Clock.systemUTC());
    }

    @org.springframework.beans.factory.annotation.Autowired
    public DockerContainerRuntime(java.time.Clock clock) {
        this.clock = clock;
    }

    /** When the engine says an event happened, else (no time in it) when it was heard. */
    static Instant timeOf(Event event, java.time.Clock clock) {
        return event.getTimeNano() != null ? Instant.ofEpochSecond(0, event.getTimeNano())
                : event.getTime() != null ? Instant.ofEpochSecond(event.getTime()) : clock.instant();
    }

    // ---------------------------------------------------------------- clients and error mapping

    Clients clients(EngineEndpoint engine) {
        return clients.computeIfAbsent(engine, DockerContainerRuntime::connect);
    }

    DockerClient client(EngineEndpoint engine) {
        return clients(engine).calls();
    }

    private static Clients connect(EngineEndpoint engine) {
        try {
            var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(engine.host());
            engine.apiVersion().filter(v -> !v.isBlank()).ifPresent(config::withApiVersion);
            // TLS is the catalog's word alone, not whatever DOCKER_TLS_VERIFY this process inherited
            config.withDockerTlsVerify(engine.tls().isPresent()).withCustomSslConfig(engine.tls()
                    .<com.github.dockerjava.core.SSLConfig>map(PemFilesSslConfig::new).orElse(null));
            var built = config.build();
            var calls = new ZerodepDockerHttpClient.Builder()
                    .dockerHost(built.getDockerHost())
                    .sslConfig(built.getSSLConfig())
                    .connectionTimeout(CONNECTION_TIMEOUT)
                    .responseTimeout(RESPONSE_TIMEOUT)
                    .build();
            var streams = new ZerodepDockerHttpClient.Builder()
                    .dockerHost(built.getDockerHost())
                    .sslConfig(built.getSSLConfig())
                    .connectionTimeout(CONNECTION_TIMEOUT)
                    .build();
            return new Clients(DockerClientImpl.getInstance(built, calls), DockerClientImpl.getInstance(built, streams),
                    calls);
        } catch (RuntimeException e) {
            throw new EngineUnavailableException("Docker engine endpoint '" + engine.host() + "' is not usable: "
                    + describe(rootCause(e)) + ". Give it as unix:///path/to/docker.sock or tcp://host:port.", e);
        }
    }

    /**
     * Runs a call against the engine; a failure to reach it becomes {@link EngineUnavailableException}.
     * Errors the engine answers with (DockerException) pass through for the caller to judge.
     */
    <T> T call(EngineEndpoint engine, Supplier<T> action) {
        try {
            return action.get();
        } catch (DockerException e) {
            throw e;
        } catch (EngineUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            if (isConnectionFailure(e)) {
                throw unavailable(engine, e);
            }
            throw e;
        }
    }

    void run(EngineEndpoint engine, Runnable action) {
        call(engine, () -> {
            action.run();
            return null;
        });
    }

    /** An engine-level call: also an error answer from the engine means the engine is not usable. */
    <T> T engineCall(EngineEndpoint engine, String what, Supplier<T> action) {
        try {
            return call(engine, action);
        } catch (DockerException e) {
            throw new EngineUnavailableException("Docker engine at " + engine.host() + " refused to " + what
                    + ": " + firstLine(e.getMessage()) + describeApiVersion(engine), e);
        }
    }

    static EngineUnavailableException unavailable(EngineEndpoint engine, Throwable e) {
        return new EngineUnavailableException("Docker engine at " + engine.host() + " does not answer: "
                + describe(rootCause(e)) + ". Is dockerd running?", e);
    }

    private static IllegalStateException containerError(EngineEndpoint engine, String what, DockerException e) {
        return new IllegalStateException("Docker engine at " + engine.host() + " could not " + what + ": "
                + firstLine(e.getMessage()), e);
    }

    private static String describeApiVersion(EngineEndpoint engine) {
        return engine.apiVersion()
                .map(v -> " (Vitals asks for API version " + v + "; leave it unset to use the engine's own)")
                .orElse("");
    }

    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        var message = t.getMessage();
        var type = t.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        var trimmed = message.strip();
        var newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline);
    }

    @Override
    public Duration callTimeout() {
        return CONNECTION_TIMEOUT.plus(RESPONSE_TIMEOUT);
    }

    @Override
    public void closeConnections(EngineEndpoint engine) {
        var c = clients.remove(engine);
        if (c != null) {
            log.warn("Closing the connections to the Docker engine at {}: calls in flight fail now", engine.host());
            closeQuietly(c.calls());
            closeQuietly(c.streams());
        }
    }

    @Override
    public void close() {
        for (var c : clients.values()) {
            closeQuietly(c.calls());
            closeQuietly(c.streams());
        }
        clients.clear();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("Closing {} failed: {}", closeable, e.toString());
        }
    }

    // ---------------------------------------------------------------- engine and images

    @Override
    public String ping(EngineEndpoint engine) {
        return engineCall(engine, "tell its version", () -> versionFromPing(engine)
                .orElseGet(() -> client(engine).versionCmd().exec().getVersion()));
    }

    /**
     * The engine's version from its {@code /_ping}, the cheapest call it answers: every answer of the daemon
     * names it in its {@code Server} header ({@code Docker/27.5.1 (linux)}), whereas {@code /version} asks
     * containerd and runc for theirs (15–35 ms here). Asked at the pinned API version. Empty when the engine
     * does not answer it with 200 or the header is missing (a proxy in between): then {@code /version} answers,
     * or refuses as docker-java reports it (an API version the engine does not speak, say).
     */
    private Optional<String> versionFromPing(EngineEndpoint engine) {
        String path = engine.apiVersion().filter(v -> !v.isBlank()).map(v -> "/v" + v).orElse("") + "/_ping";
        var request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path(path).build();
        try (var response = clients(engine).http().execute(request)) {
            return Optional.ofNullable(response.getStatusCode() == 200 ? response.getHeader("Server") : null)
                    .map(SERVER::matcher).filter(java.util.regex.Matcher::matches).map(m -> m.group(1));
        }
    }

    private static final java.util.regex.Pattern SERVER = java.util.regex.Pattern.compile("Docker/(\\S+)(?: .*)?");

    @Override
    public Optional<ImageInfo> image(EngineEndpoint engine, String imageRef) {
        return engineCall(engine, "inspect image " + imageRef, () -> {
            try {
                InspectImageResponse image = client(engine).inspectImageCmd(imageRef).exec();
                var tags = image.getRepoTags() == null ? List.<String>of() : List.copyOf(image.getRepoTags());
                return Optional.of(new ImageInfo(image.getId(), tags));
            } catch (NotFoundException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public List<String> tags(EngineEndpoint engine, String repository) {
        return engineCall(engine, "list images of " + repository, () -> client(engine).listImagesCmd()
                .withImageNameFilter(repository).exec().stream()
                .flatMap(i -> i.getRepoTags() == null ? java.util.stream.Stream.<String>empty()
                        : java.util.Arrays.stream(i.getRepoTags()))
                .filter(t -> t.startsWith(repository + ":"))
                .map(t -> t.substring(repository.length() + 1))
                .sorted()
                .toList());
    }

    private final Map<String, ReentrantLock> networkLocks = new ConcurrentHashMap<>();

    @Override
    public void ensureNetwork(EngineEndpoint engine, String network) {
        // Docker does not refuse a second network of the same name when two creates race, and then every
        // container start on it fails as "ambiguous": the pipelines of one Vitals create a network one at a time.
        ReentrantLock creating = networkLocks.computeIfAbsent(engine.host() + "|" + network, k -> new ReentrantLock());
        creating.lock();
        try {
            engineCall(engine, "create network " + network, () -> {
                if (listedNetwork(engine, network)) {
                    return null;
                }
                try {
                    createWithPinnedSubnet(engine, network);
                    log.info("Created network {} on {}", network, engine.host());
                } catch (ConflictException e) {
                    if (!listedNetwork(engine, network)) {
                        throw e;
                    }
                }
                removeDuplicates(engine, network);
                return null;
            });
        } finally {
            creating.unlock();
        }
    }

    /** Keeps the oldest of several networks with one name (another process raced us); removes the empty others. */
    private void removeDuplicates(EngineEndpoint engine, String network) {
        var client = client(engine);
        List<com.github.dockerjava.api.model.Network> same = client.listNetworksCmd().withNameFilter(network).exec()
                .stream().filter(n -> network.equals(n.getName()))
                .sorted(java.util.Comparator.comparing(n -> n.getCreated() == null ? new java.util.Date(0) : n.getCreated()))
                .toList();
        for (var extra : same.stream().skip(1).toList()) {
            try {
                client.removeNetworkCmd(extra.getId()).exec();
                log.warn("Removed a duplicate network {} ({}) on {}", network, extra.getId(), engine.host());
            } catch (DockerException e) {
                log.warn("A duplicate network {} ({}) on {} could not be removed: {}", network, extra.getId(),
                        engine.host(), e.getMessage());
            }
        }
    }

    /**
     * Docker keeps a container's address across a reconnect only on networks whose subnet was given
     * explicitly, so the network is created once to let the engine pick a free subnet, then again with
     * that subnet named.
     */
    private void createWithPinnedSubnet(EngineEndpoint engine, String network) {
        var client = client(engine);
        String id = client.createNetworkCmd().withName(network).withDriver("bridge").withCheckDuplicate(true).exec()
                .getId();
        var configs = client.inspectNetworkCmd().withNetworkId(id).exec().getIpam().getConfig();
        if (configs == null || configs.isEmpty() || configs.getFirst().getSubnet() == null) {
            return;
        }
        var picked = configs.getFirst();
        client.removeNetworkCmd(id).exec();
        try {
            client.createNetworkCmd().withName(network).withDriver("bridge").withCheckDuplicate(true)
                    .withIpam(new com.github.dockerjava.api.model.Network.Ipam().withConfig(
                            new com.github.dockerjava.api.model.Network.Ipam.Config()
                                    .withSubnet(picked.getSubnet()).withGateway(picked.getGateway())))
                    .exec();
        } catch (DockerException e) {
            // Another network took the subnet meanwhile: an ordinary network still works, without pinned addresses.
            log.warn("Could not pin the subnet of {} ({}); creating it without", network, e.getMessage());
            if (!listedNetwork(engine, network)) {
                client.createNetworkCmd().withName(network).withDriver("bridge").withCheckDuplicate(true).exec();
            }
        }
    }

    @Override
    public boolean networkExists(EngineEndpoint engine, String network) {
        return engineCall(engine, "look up network " + network, () -> listedNetwork(engine, network));
    }

    private boolean listedNetwork(EngineEndpoint engine, String network) {
        // the name filter matches substrings: compare exactly
        return client(engine).listNetworksCmd().withNameFilter(network).exec().stream()
                .anyMatch(n -> network.equals(n.getName()));
    }

    // ---------------------------------------------------------------- containers

    @Override
    public List<ContainerInfo> containers(EngineEndpoint engine, Map<String, String> labels) {
        List<Container> listed = engineCall(engine, "list containers",
                () -> client(engine).listContainersCmd().withShowAll(true).withLabelFilter(labels).exec());
        var result = new ArrayList<ContainerInfo>();
        for (var container : listed) {
            inspect(engine, container.getId()).ifPresent(result::add);
        }
        return result;
    }

    /** What {@link #survey} inspected last, per engine and container id, with the listing it was inspected at. */
    private final Map<EngineEndpoint, Map<String, Surveyed>> surveyed = new ConcurrentHashMap<>();

    private record Surveyed(String listing, ContainerInfo info) {
    }

    @Override
    public List<ContainerInfo> survey(EngineEndpoint engine, java.util.function.Predicate<Map<String, String>> labelled,
                                      java.util.Set<String> networks, java.util.Set<String> changed) {
        List<Container> listed = engineCall(engine, "list containers",
                () -> client(engine).listContainersCmd().withShowAll(true).exec());
        Map<String, Surveyed> before = surveyed.getOrDefault(engine, Map.of());
        Map<String, Surveyed> now = new java.util.HashMap<>();
        var result = new ArrayList<ContainerInfo>();
        for (var container : listed) {
            Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
            Map<String, ContainerNetwork> attached = container.getNetworkSettings() == null
                    || container.getNetworkSettings().getNetworks() == null
                    ? Map.of() : container.getNetworkSettings().getNetworks();
            if (container.getId() == null
                    || (!labelled.test(labels) && attached.keySet().stream().noneMatch(networks::contains))) {
                continue;
            }
            String listing = listing(container, attached);
            Surveyed last = before.get(container.getId());
            ContainerInfo info;
            if (last != null && last.listing().equals(listing) && !changed.contains(container.getId())) {
                info = last.info();
            } else {
                try {
                    Optional<ContainerInfo> inspected = inspect(engine, container.getId());
                    if (inspected.isEmpty()) {
                        continue; // removed since the listing
                    }
                    info = inspected.get();
                } catch (IllegalStateException e) {
                    log.debug("Survey of {}: {}", engine.host(), e.getMessage());
                    if (last == null) {
                        continue;
                    }
                    info = last.info();
                    listing = ""; // inspect again next time
                }
            }
            now.put(container.getId(), new Surveyed(listing, info));
            result.add(info);
        }
        surveyed.put(engine, now);
        return result;
    }

    private static final java.util.regex.Pattern HEALTH_IN_STATUS =
            java.util.regex.Pattern.compile("\\((healthy|unhealthy|health: starting)\\)");

    /**
     * What the listing shows of a container that an inspection would show differently: its state, health,
     * name and network endpoints (an endpoint is made anew at each start and each connect, so a restart or
     * a change of aliases shows as another endpoint id).
     */
    private static String listing(Container container, Map<String, ContainerNetwork> attached) {
        var health = container.getStatus() == null ? null : HEALTH_IN_STATUS.matcher(container.getStatus());
        var out = new StringBuilder(String.valueOf(container.getState())).append('|')
                .append(health != null && health.find() ? health.group(1) : "").append('|')
                .append(container.getNames() == null ? "" : String.join(",", container.getNames()));
        new java.util.TreeMap<>(attached).forEach((network, endpoint) -> out.append('|').append(network).append('=')
                .append(endpoint == null ? "" : endpoint.getEndpointId()));
        return out.toString();
    }

    @Override
    public List<ContainerInfo> attachedTo(EngineEndpoint engine, String network,
                                          java.util.function.Predicate<Map<String, String>> worthALook) {
        if (!networkExists(engine, network)) {
            return List.of();
        }
        List<Container> listed = engineCall(engine, "list containers on network " + network,
                () -> client(engine).listContainersCmd().withShowAll(true).withNetworkFilter(List.of(network)).exec());
        var result = new ArrayList<ContainerInfo>();
        for (var container : listed) {
            Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
            if (!worthALook.test(labels)) {
                continue;
            }
            // aliases are only in the inspect answer
            inspect(engine, container.getId()).filter(c -> c.aliases().containsKey(network)).ifPresent(result::add);
        }
        return result;
    }

    @Override
    public Optional<ContainerInfo> inspect(EngineEndpoint engine, String containerId) {
        return call(engine, () -> {
            try {
                return Optional.of(toInfo(client(engine).inspectContainerCmd(containerId).exec()));
            } catch (NotFoundException e) {
                return Optional.empty();
            } catch (DockerException e) {
                throw containerError(engine, "inspect container " + containerId, e);
            }
        });
    }

    static ContainerInfo toInfo(InspectContainerResponse c) {
        var id = c.getId();
        var name = c.getName() == null ? "" : c.getName().replaceFirst("^/", "");
        var config = c.getConfig();
        var image = config == null ? null : config.getImage();
        Map<String, String> labels = config == null || config.getLabels() == null
                ? Map.of() : Map.copyOf(config.getLabels());
        var state = c.getState();
        boolean running = state != null && Boolean.TRUE.equals(state.getRunning());
        var status = state == null ? "unknown" : state.getStatus();
        var startedAt = state == null ? null : parseInstant(state.getStartedAt());
        var health = state == null ? Health.NONE : toHealth(state.getHealth());
        return new ContainerInfo(id, name, image, c.getImageId(), labels, running, status, startedAt, health,
                aliases(id, c), state == null ? List.of() : healthChecks(state.getHealth()));
    }

    /** The engine keeps the last few results of a HEALTHCHECK: when each ended, its exit code and output. */
    private static List<String> healthChecks(HealthState health) {
        if (health == null || health.getLog() == null) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (var result : health.getLog()) {
            String output = result.getOutput() == null ? "" : result.getOutput().strip()
                    .replaceAll("\\s*\\n\\s*", " / ");
            if (output.length() > 200) {
                output = output.substring(0, 200) + "…";
            }
            Instant end = parseInstant(result.getEnd());
            lines.add((end == null ? "?" : end.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                    + " exit " + result.getExitCodeLong() + (output.isEmpty() ? "" : ": " + output));
        }
        return lines;
    }

    /** Configured aliases per network; Docker's own alias (the short container id) is left out. */
    private static Map<String, List<String>> aliases(String containerId, InspectContainerResponse c) {
        var result = new LinkedHashMap<String, List<String>>();
        var settings = c.getNetworkSettings();
        if (settings == null || settings.getNetworks() == null) {
            return result;
        }
        settings.getNetworks().forEach((network, endpoint) -> {
            var configured = new ArrayList<String>();
            if (endpoint.getAliases() != null) {
                for (var alias : endpoint.getAliases()) {
                    if (!isIdAlias(containerId, alias) && !configured.contains(alias)) {
                        configured.add(alias);
                    }
                }
            }
            result.put(network, List.copyOf(configured));
        });
        return result;
    }

    private static boolean isIdAlias(String containerId, String alias) {
        return containerId != null && alias.length() >= 12 && containerId.startsWith(alias);
    }

    private static Health toHealth(HealthState health) {
        if (health == null || health.getStatus() == null) {
            return Health.NONE;
        }
        return switch (health.getStatus()) {
            case "starting" -> Health.STARTING;
            case "healthy" -> Health.HEALTHY;
            case "unhealthy" -> Health.UNHEALTHY;
            default -> Health.NONE;
        };
    }

    /** Docker's timestamps are RFC 3339 with nanoseconds; a container that never started shows year 1. */
    static Instant parseInstant(String timestamp) {
        if (timestamp == null || timestamp.isBlank() || timestamp.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(timestamp).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    @Override
    public String create(EngineEndpoint engine, ContainerSpec spec) {
        return create(engine, spec, false);
    }

    private String create(EngineEndpoint engine, ContainerSpec spec, boolean oneShot) {
        return call(engine, () -> {
            try {
                return createCommand(client(engine), spec, oneShot).exec().getId();
            } catch (DockerException e) {
                throw containerError(engine, "create container " + describe(spec), e);
            }
        });
    }

    private static String describe(ContainerSpec spec) {
        return (spec.name() == null ? "" : spec.name() + " ") + "from image " + spec.image();
    }

    static CreateContainerCmd createCommand(DockerClient client, ContainerSpec spec, boolean oneShot) {
        var limits = spec.resources();
        var host = HostConfig.newHostConfig()
                .withInit(true)
                .withRestartPolicy(oneShot ? RestartPolicy.noRestart() : RestartPolicy.unlessStoppedRestart())
                .withMemory(limits.memoryBytes())
                .withMemorySwap(limits.memoryBytes()) // the same value: no swap beyond the memory limit
                .withNanoCPUs(Math.round(limits.cpus() * 1_000_000_000d))
                .withPidsLimit((long) limits.pids())
                .withSecurityOpts(List.of(NO_NEW_PRIVILEGES));
        var cmd = client.createContainerCmd(spec.image());
        if (spec.name() != null && !spec.name().isBlank()) {
            cmd.withName(spec.name());
        }
        cmd.withLabels(spec.labels() == null ? Map.of() : spec.labels());
        if (spec.env() != null && !spec.env().isEmpty()) {
            cmd.withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
        if (spec.command() != null && !spec.command().isEmpty()) {
            cmd.withCmd(spec.command());
        }
        if (spec.network() != null && !spec.network().isBlank()) {
            host.withNetworkMode(spec.network());
            // with a network mode, docker-java sends these as NetworkingConfig.EndpointsConfig[network].Aliases
            if (spec.aliases() != null && !spec.aliases().isEmpty()) {
                cmd.withAliases(spec.aliases());
            }
        }
        var healthCheck = spec.healthCheck() == null ? Optional.<HealthCheck>empty() : spec.healthCheck();
        if (healthCheck.isPresent()) {
            cmd.withHealthcheck(toDocker(healthCheck.get()));
        } else if (oneShot) {
            cmd.withHealthcheck(new com.github.dockerjava.api.model.HealthCheck().withTest(List.of("NONE")));
        }
        if (spec.ports() != null && !spec.ports().isEmpty()) {
            var exposed = new ArrayList<ExposedPort>();
            var bindings = new ArrayList<PortBinding>();
            spec.ports().forEach((containerPort, hostPort) -> {
                var port = ExposedPort.tcp(containerPort);
                exposed.add(port);
                bindings.add(new PortBinding(Ports.Binding.bindIpAndPort(PUBLISH_ADDRESS, hostPort), port));
            });
            cmd.withExposedPorts(exposed);
            host.withPortBindings(bindings);
        }
        if (spec.volumes() != null && !spec.volumes().isEmpty()) {
            host.withBinds(spec.volumes().stream().map(Bind::parse).toList());
        }
        return cmd.withHostConfig(host);
    }

    /** Durations in Docker's health check model are nanoseconds; {@code StartInterval} needs API 1.44. */
    static com.github.dockerjava.api.model.HealthCheck toDocker(HealthCheck check) {
        var result = new com.github.dockerjava.api.model.HealthCheck();
        if (check.test() != null && !check.test().isEmpty()) {
            var test = check.test();
            var first = test.get(0);
            boolean prefixed = first.equals("CMD") || first.equals("CMD-SHELL") || first.equals("NONE");
            var full = new ArrayList<String>();
            if (!prefixed) {
                full.add("CMD");
            }
            full.addAll(test);
            result.withTest(full);
        }
        if (check.interval() != null) {
            result.withInterval(check.interval().toNanos());
        }
        if (check.timeout() != null) {
            result.withTimeout(check.timeout().toNanos());
        }
        if (check.retries() > 0) {
            result.withRetries(check.retries());
        }
        if (check.startPeriod() != null) {
            result.withStartPeriod(check.startPeriod().toNanos());
        }
        return result;
    }

    @Override
    public void start(EngineEndpoint engine, String containerId) {
        run(engine, () -> {
            try {
                client(engine).startContainerCmd(containerId).exec();
            } catch (NotModifiedException e) {
                // already running
            } catch (DockerException e) {
                throw containerError(engine, "start container " + containerId, e);
            }
        });
    }

    @Override
    public void stop(EngineEndpoint engine, String containerId, Duration grace) {
        int seconds = (int) Math.max(0, Math.min(Integer.MAX_VALUE, grace.toSeconds()));
        run(engine, () -> {
            try {
                // the engine answers only after the grace period: a long grace goes without a response timeout
                var client = grace.plusSeconds(10).compareTo(RESPONSE_TIMEOUT) < 0 ? client(engine)
                        : clients(engine).streams();
                client.stopContainerCmd(containerId).withTimeout(seconds).exec();
            } catch (NotModifiedException e) {
                // already stopped
            } catch (NotFoundException e) {
                log.debug("Container {} is already gone on {}", containerId, engine.host());
            } catch (DockerException e) {
                throw containerError(engine, "stop container " + containerId, e);
            }
        });
    }

    @Override
    public void remove(EngineEndpoint engine, String containerId) {
        run(engine, () -> {
            try {
                client(engine).removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException e) {
                // already gone
            } catch (ConflictException e) {
                if (!e.getMessage().contains("already in progress")) {
                    throw containerError(engine, "remove container " + containerId, e);
                }
            } catch (DockerException e) {
                throw containerError(engine, "remove container " + containerId, e);
            }
        });
    }

    @Override
    public void connect(EngineEndpoint engine, String containerId, String network, List<String> aliases) {
        run(engine, () -> {
            try {
                client(engine).connectToNetworkCmd()
                        .withContainerId(containerId)
                        .withNetworkId(network)
                        .withContainerNetwork(new ContainerNetwork().withAliases(aliases == null ? List.of() : aliases))
                        .exec();
            } catch (DockerException e) {
                throw containerError(engine, "connect container " + containerId + " to network " + network
                        + " (aliases cannot be changed on a connected container: disconnect first)", e);
            }
        });
    }

    @Override
    public void dropAliases(EngineEndpoint engine, String containerId, String network) {
        run(engine, () -> {
            com.github.dockerjava.api.model.NetworkSettings settings;
            try {
                settings = client(engine).inspectContainerCmd(containerId).exec().getNetworkSettings();
            } catch (NotFoundException e) {
                return; // a container that is gone holds no alias
            }
            var endpoint = settings == null || settings.getNetworks() == null ? null : settings.getNetworks().get(network);
            if (endpoint == null) {
                return;
            }
            String address = endpoint.getIpAddress();
            client(engine).disconnectFromNetworkCmd().withContainerId(containerId).withNetworkId(network).exec();
            var again = new ContainerNetwork().withAliases(List.<String>of());
            if (address != null && !address.isBlank()) {
                again.withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(address));
            }
            try {
                client(engine).connectToNetworkCmd().withContainerId(containerId).withNetworkId(network)
                        .withContainerNetwork(again).exec();
            } catch (DockerException e) {
                // A network without a pinned subnet cannot keep the address: attach with a new one.
                client(engine).connectToNetworkCmd().withContainerId(containerId).withNetworkId(network)
                        .withContainerNetwork(new ContainerNetwork().withAliases(List.<String>of())).exec();
            }
        });
    }

    @Override
    public void disconnect(EngineEndpoint engine, String containerId, String network) {
        run(engine, () -> {
            // Asked straight away: one that is not attached (or gone) is refused, and that is what was wanted.
            try {
                client(engine).disconnectFromNetworkCmd()
                        .withContainerId(containerId)
                        .withNetworkId(network)
                        .exec();
            } catch (DockerException e) {
                if (isOnNetwork(engine, containerId, network)) {
                    throw containerError(engine, "disconnect container " + containerId + " from network "
                            + network, e);
                }
            }
        });
    }

    private boolean isOnNetwork(EngineEndpoint engine, String containerId, String network) {
        try {
            var settings = client(engine).inspectContainerCmd(containerId).exec().getNetworkSettings();
            return settings != null && settings.getNetworks() != null
                    && settings.getNetworks().containsKey(network);
        } catch (NotFoundException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- one-shot containers

    @Override
    public OneShotResult runOnce(EngineEndpoint engine, ContainerSpec spec, Duration timeout) {
        String id = create(engine, spec, true);
        try {
            start(engine, id);
            Integer exitCode;
            try (var waiting = clients(engine).streams().waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
                exitCode = call(engine, () -> waiting.awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (DockerClientException e) {
                if (!isWaitTimeout(e)) {
                    throw e;
                }
                exitCode = null;
            } catch (IOException e) {
                throw unavailable(engine, e);
            }
            if (exitCode == null) {
                kill(engine, id);
                log.info("One-shot container {} ({}) outlived {} and was killed", id, spec.image(), timeout);
                return new OneShotResult(-1, true, outputTail(engine, id));
            }
            return new OneShotResult(exitCode, false, outputTail(engine, id));
        } finally {
            try {
                remove(engine, id);
            } catch (RuntimeException e) {
                log.warn("Could not remove one-shot container {} on {}: {}", id, engine.host(), e.getMessage());
            }
        }
    }

    private static boolean isWaitTimeout(DockerClientException e) {
        return e.getMessage() != null && e.getMessage().toLowerCase().contains("timeout");
    }

    private void kill(EngineEndpoint engine, String containerId) {
        try {
            run(engine, () -> client(engine).killContainerCmd(containerId).exec());
        } catch (DockerException e) {
            log.debug("Kill of {} failed (it may have exited already): {}", containerId, firstLine(e.getMessage()));
        }
    }

    /**
     * The last {@value #OUTPUT_TAIL_LINES} lines of stdout and stderr. Docker copies the two streams
     * separately, so lines of one may land before earlier lines of the other; a hook that wants its
     * trace in order writes both to one stream ({@code exec 2>&1}).
     */
    String outputTail(EngineEndpoint engine, String containerId) {
        var out = new StringBuilder();
        var callback = new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (out) {
                    out.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        };
        try {
            call(engine, () -> client(engine).logContainerCmd(containerId)
                    .withStdOut(true)
                    .withStdErr(true)
                    .withTail(OUTPUT_TAIL_LINES)
                    .exec(callback));
            if (!callback.awaitCompletion(10, TimeUnit.SECONDS)) {
                log.debug("Logs of {} did not complete in 10 s", containerId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (DockerException e) {
            log.debug("No logs for {}: {}", containerId, firstLine(e.getMessage()));
        } finally {
            closeQuietly(callback);
        }
        synchronized (out) {
            return out.toString();
        }
    }

    // ---------------------------------------------------------------- health events

    @Override
    public HealthStream watchHealth(EngineEndpoint engine, Map<String, String> labels, Consumer<HealthEvent> listener) {
        ping(engine); // fail now, clearly, rather than in the stream's thread
        var callback = new HealthCallback(engine, listener, clock);
        call(engine, () -> clients(engine).streams().eventsCmd()
                .withEventTypeFilter("container")
                .withEventFilter("health_status")
                .withLabelFilter(labels)
                .exec(callback));
        try {
            if (!callback.awaitStarted(CONNECTION_TIMEOUT.toMillis() + 2_000, TimeUnit.MILLISECONDS)) {
                callback.close();
                throw new EngineUnavailableException("Docker engine at " + engine.host()
                        + " did not open its event stream in time. Is dockerd running?", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.close();
            throw new EngineUnavailableException("Interrupted while opening the event stream of " + engine.host(), e);
        }
        if (callback.failure != null) {
            callback.close();
            throw unavailable(engine, callback.failure);
        }
        return callback;
    }

    /** The container actions that change what a survey shows; exec_* (every health check run) is left out. */
    static final String[] CONTAINER_CHANGES = {"create", "start", "restart", "die", "kill", "oom", "stop", "destroy",
            "rename", "pause", "unpause", "update", "health_status", "connect", "disconnect"};

    @Override
    public EventStream watchChanges(EngineEndpoint engine, Consumer<EngineChange> listener) {
        ping(engine); // fail now, clearly, rather than in the stream's thread
        var callback = new ChangeCallback(engine, listener, clock);
        call(engine, () -> clients(engine).streams().eventsCmd()
                .withEventTypeFilter("container", "network")
                .withEventFilter(CONTAINER_CHANGES)
                .exec(callback));
        try {
            if (!callback.awaitStarted(CONNECTION_TIMEOUT.toMillis() + 2_000, TimeUnit.MILLISECONDS)) {
                callback.close();
                throw new EngineUnavailableException("Docker engine at " + engine.host()
                        + " did not open its event stream in time. Is dockerd running?", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.close();
            throw new EngineUnavailableException("Interrupted while opening the event stream of " + engine.host(), e);
        }
        if (callback.failure != null) {
            callback.close();
            throw unavailable(engine, callback.failure);
        }
        return callback;
    }

    /** A container or network event as the change it tells of; null for events about no container. */
    static EngineChange changeOf(Event event, java.time.Clock clock) {
        var actor = event.getActor();
        Map<String, String> attributes = actor == null || actor.getAttributes() == null ? Map.of()
                : actor.getAttributes();
        var action = event.getAction() != null ? event.getAction() : event.getStatus();
        var at = timeOf(event, clock);
        var type = event.getType() == null ? "" : event.getType().getValue();
        if ("network".equals(type)) {
            String container = attributes.get("container");
            return container == null ? null : new EngineChange(container, attributes.get("name"), Map.of(), action, at);
        }
        String id = event.getId() != null ? event.getId() : actor == null ? null : actor.getId();
        if (id == null) {
            return null;
        }
        // a container event's attributes are its labels, plus its name, image and (for die) exit code
        var labels = new java.util.HashMap<>(attributes);
        labels.keySet().removeAll(List.of("name", "image", "exitCode", "signal", "execDuration"));
        return new EngineChange(id, null, labels, action, at);
    }

    private static final class ChangeCallback extends ResultCallback.Adapter<Event> implements EventStream {
        private final EngineEndpoint engine;
        private final Consumer<EngineChange> listener;
        private final java.time.Clock clock;
        private volatile boolean closing;
        private volatile boolean ended;
        private volatile Throwable failure;

        ChangeCallback(EngineEndpoint engine, Consumer<EngineChange> listener, java.time.Clock clock) {
            this.engine = engine;
            this.listener = listener;
            this.clock = clock;
        }

        @Override
        public boolean broken() {
            return ended;
        }

        @Override
        public void onNext(Event event) {
            try {
                var change = changeOf(event, clock);
                if (change != null) {
                    listener.accept(change);
                }
            } catch (RuntimeException e) {
                log.warn("Change listener failed on {}: {}", event, e.toString(), e);
            }
        }

        @Override
        public void onComplete() {
            if (!closing) {
                ended = true;
                log.warn("Docker engine at {} ended its event stream", engine.host());
            }
            super.onComplete();
        }

        @Override
        public void onError(Throwable throwable) {
            if (closing) {
                return;
            }
            failure = throwable;
            ended = true;
            log.warn("Event stream of Docker engine at {} broke: {}", engine.host(), describe(rootCause(throwable)));
            close();
        }

        @Override
        public void close() {
            closing = true;
            try {
                super.close();
            } catch (IOException | RuntimeException e) {
                log.debug("Closing event stream of {}: {}", engine.host(), e.toString());
            }
        }
    }

    static Optional<Health> healthOf(String action) {
        if (action == null || !action.startsWith("health_status")) {
            return Optional.empty();
        }
        var status = action.substring(action.indexOf(':') + 1).strip();
        return switch (status) {
            case "healthy" -> Optional.of(Health.HEALTHY);
            case "unhealthy" -> Optional.of(Health.UNHEALTHY);
            case "starting" -> Optional.of(Health.STARTING);
            default -> Optional.empty();
        };
    }

    private static final class HealthCallback extends ResultCallback.Adapter<Event> implements HealthStream {
        private final EngineEndpoint engine;
        private final Consumer<HealthEvent> listener;
        private final java.time.Clock clock;
        private volatile boolean closing;
        private volatile boolean ended;
        private volatile Throwable failure;

        @Override
        public boolean broken() {
            return ended;
        }

        @Override
        public void onComplete() {
            if (!closing) {
                ended = true;
                log.warn("Docker engine at {} ended its health event stream", engine.host());
            }
            super.onComplete();
        }

        HealthCallback(EngineEndpoint engine, Consumer<HealthEvent> listener, java.time.Clock clock) {
            this.engine = engine;
            this.listener = listener;
            this.clock = clock;
        }

        @Override
        public void onNext(Event event) {
            var health = healthOf(event.getAction() != null ? event.getAction() : event.getStatus());
            if (health.isEmpty() || event.getId() == null) {
                return;
            }
            var at = timeOf(event, clock);
            try {
                listener.accept(new HealthEvent(event.getId(), health.get(), at));
            } catch (RuntimeException e) {
                log.warn("Health listener failed on {}: {}", event, e.toString(), e);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            if (closing) {
                return; // closing the stream interrupts its reader: expected
            }
            failure = throwable;
            ended = true;
            log.warn("Health event stream of Docker engine at {} broke: {}", engine.host(), describe(rootCause(throwable)));
            close();
        }

        @Override
        public void close() {
            closing = true;
            try {
                super.close();
            } catch (IOException | RuntimeException e) {
                log.debug("Closing health event stream of {}: {}", engine.host(), e.toString());
            }
        }
    }
}
