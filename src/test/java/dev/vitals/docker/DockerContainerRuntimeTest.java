package dev.vitals.docker;

import static dev.vitals.docker.TestEngine.ENGINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vitals.catalog.Catalog.EngineEndpoint;
import dev.vitals.catalog.Catalog.LocalImage;
import dev.vitals.catalog.Catalog.Resources;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.deploy.ContainerRuntime.ContainerSpec;
import dev.vitals.deploy.ContainerRuntime.Health;
import dev.vitals.deploy.ContainerRuntime.HealthCheck;
import dev.vitals.deploy.ContainerRuntime.HealthEvent;
import dev.vitals.deploy.ContainerRuntime.OneShotResult;
import dev.vitals.deploy.EngineUnavailableException;
import dev.vitals.deploy.Labels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DockerContainerRuntime} against the real local Docker engine (fails when none answers). */
class DockerContainerRuntimeTest {

    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(30);

    private static TestEngine docker;
    private static DockerContainerRuntime runtime;
    private static String healthyImage;
    private static String brokenImage;

    @BeforeAll
    static void buildImages() {
        docker = new TestEngine().requireEngine();
        runtime = docker.runtime;
        healthyImage = build(new LocalImage(docker.imageRepository("web"), "v1", true));
        brokenImage = build(new LocalImage(docker.imageRepository("broken"), "v1", false));
    }

    private static String build(LocalImage image) {
        var tag = LocalImageBuilder.tag(image);
        docker.removeImageLater(tag);
        docker.builder.ensure(ENGINE, image);
        return tag;
    }

    @AfterEach
    void removeContainersAndNetworks() {
        docker.removeContainersAndNetworks();
    }

    @AfterAll
    static void removeEverything() {
        if (docker != null) {
            docker.close();
        }
    }

    @Test
    void buildsBusyboxImageWhenMissingAndAnswersHealthAndVersion() {
        // given an engine without the image
        var image = new LocalImage(docker.imageRepository("backend"), "v1.4.2", true);
        var tag = LocalImageBuilder.tag(image);
        docker.removeImageLater(tag);
        assertThat(runtime.image(ENGINE, tag)).isEmpty();

        // when it is ensured twice
        long buildStart = System.nanoTime();
        boolean built = docker.builder.ensure(ENGINE, image);
        long buildMillis = millisSince(buildStart);
        boolean builtAgain = docker.builder.ensure(ENGINE, image);

        // then it was built once and its id is the digest Vitals records
        assertThat(built).isTrue();
        assertThat(builtAgain).isFalse();
        var info = runtime.image(ENGINE, tag).orElseThrow();
        assertThat(info.id()).startsWith("sha256:");
        assertThat(info.tags()).contains(tag);

        // when a container of it runs on a user-defined network under an alias
        var network = docker.network("net");
        runtime.ensureNetwork(ENGINE, network); // idempotent
        var labels = docker.labels(Labels.SERVICE, "backend");
        var id = runtime.create(ENGINE, docker.service("backend", tag, network, List.of("backend"), labels));
        long start = System.nanoTime();
        runtime.start(ENGINE, id);

        // then it becomes healthy and the engine shows it as configured
        awaitHealth(id, Health.HEALTHY);
        long healthyMillis = millisSince(start);
        var containers = runtime.containers(ENGINE, labels);
        assertThat(containers).hasSize(1);
        ContainerInfo container = containers.get(0);
        assertThat(container.id()).isEqualTo(id);
        assertThat(container.name()).isEqualTo(docker.name("backend"));
        assertThat(container.image()).isEqualTo(tag);
        assertThat(container.imageId()).isEqualTo(info.id());
        assertThat(container.labels()).containsAllEntriesOf(labels);
        assertThat(container.running()).isTrue();
        assertThat(container.status()).isEqualTo("running");
        assertThat(container.startedAt()).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(container.aliases()).containsExactly(Map.entry(network, List.of("backend")));
        assertThat(container.servesAs(network, "backend")).isTrue();

        // and a probe on the network reaches it by its alias
        var probe = runtime.runOnce(ENGINE, docker.oneShot(tag, network,
                List.of("/bin/busybox", "wget", "-q", "-O-", "http://backend:8080/version")), Duration.ofSeconds(20));
        assertThat(probe.succeeded()).as("probe %s", probe).isTrue();
        assertThat(probe.outputTail().strip()).isEqualTo("v1.4.2");
        System.out.printf("[timing] image build %d ms, container healthy %d ms after start%n", buildMillis, healthyMillis);
    }

    @Test
    void brokenImageNeverBecomesHealthy() {
        // given a started container of an image whose health check never passes
        var network = docker.network("net");
        var id = runtime.create(ENGINE, docker.service("broken", brokenImage, network, List.of("broken"), docker.labels()));
        long start = System.nanoTime();
        runtime.start(ENGINE, id);

        // then it turns unhealthy without ever being healthy
        await().atMost(HEALTHY_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .failFast("it became healthy", () -> health(id) == Health.HEALTHY)
                .until(() -> health(id) == Health.UNHEALTHY);
        System.out.printf("[timing] broken container unhealthy %d ms after start%n", millisSince(start));

        // while it still serves /health and /version
        assertThat(probe(brokenImage, network, "http://broken:8080/health").outputTail().strip()).isEqualTo("ok");
        assertThat(probe(brokenImage, network, "http://broken:8080/version").outputTail().strip()).isEqualTo("v1");
        assertThat(runtime.inspect(ENGINE, id).orElseThrow().running()).isTrue();
    }

    @Test
    void healthCheckOverrideReplacesTheImagesOwn() {
        // given the broken image with a health check on a path it does serve
        var network = docker.network("net");
        var check = new HealthCheck(List.of("/bin/busybox", "wget", "-q", "-O-", "http://127.0.0.1:8080/version"),
                Duration.ofMillis(500), Duration.ofSeconds(2), 3, Duration.ofSeconds(5));
        var spec = docker.service("override", brokenImage, network, List.of(), docker.labels());
        spec = new ContainerSpec(spec.name(), spec.image(), spec.labels(), spec.env(), spec.command(), spec.network(),
                spec.aliases(), Optional.of(check), spec.ports(), spec.volumes());

        // when it starts
        var id = runtime.create(ENGINE, spec);
        runtime.start(ENGINE, id);

        // then it becomes healthy, and the engine holds the override in nanoseconds
        awaitHealth(id, Health.HEALTHY);
        var health = runtime.client(ENGINE).inspectContainerCmd(id).exec().getConfig().getHealthcheck();
        assertThat(health.getTest()).containsExactly("CMD", "/bin/busybox", "wget", "-q", "-O-",
                "http://127.0.0.1:8080/version");
        assertThat(health.getInterval()).isEqualTo(500_000_000L);
        assertThat(health.getTimeout()).isEqualTo(2_000_000_000L);
        assertThat(health.getRetries()).isEqualTo(3);
        assertThat(health.getStartPeriod()).isEqualTo(5_000_000_000L);
        assertThat(runtime.containers(ENGINE, docker.labels()).get(0).aliases()).containsEntry(network, List.of());
    }

    @Test
    void movesAliasFromOldToNewContainer() {
        // given the old version serving as "web" and a new version started off the traffic path
        var newImage = build(new LocalImage(docker.imageRepository("web"), "v2", true));
        var network = docker.network("net");
        var staging = docker.network("staging");
        var old = runtime.create(ENGINE, docker.service("old", healthyImage, network, List.of("web"),
                docker.labels(Labels.VERSION, "v1")));
        var fresh = runtime.create(ENGINE, docker.service("new", newImage, staging, List.of(),
                docker.labels(Labels.VERSION, "v2")));
        runtime.start(ENGINE, old);
        runtime.start(ENGINE, fresh);
        awaitHealth(old, Health.HEALTHY);
        awaitHealth(fresh, Health.HEALTHY);
        assertThat(probe(healthyImage, network, "http://web:8080/version").outputTail().strip()).isEqualTo("v1");

        // when the new one joins the network under the alias and the old one leaves it
        runtime.connect(ENGINE, fresh, network, List.of("web"));
        runtime.disconnect(ENGINE, old, network);
        runtime.disconnect(ENGINE, old, network); // not on it any more: no error

        // then only the new one carries the alias, and the alias answers with the new version
        var byId = runtime.containers(ENGINE, docker.labels()).stream()
                .collect(java.util.stream.Collectors.toMap(ContainerInfo::id, c -> c));
        assertThat(byId).containsOnlyKeys(old, fresh);
        assertThat(byId.get(old).aliases()).doesNotContainKey(network);
        assertThat(byId.get(old).servesAs(network, "web")).isFalse();
        assertThat(byId.get(fresh).aliases()).containsEntry(network, List.of("web")).containsEntry(staging, List.of());
        assertThat(byId.get(fresh).servesAs(network, "web")).isTrue();
        assertThat(probe(healthyImage, network, "http://web:8080/version").outputTail().strip()).isEqualTo("v2");
    }

    @Test
    void runOnceReportsExitCodeAndTimesOutHangingHooks() {
        var hook = docker.labels(Labels.ROLE, "hook");

        // when a hook fails
        var failed = runtime.runOnce(ENGINE, new ContainerSpec(null, healthyImage, hook, Map.of(),
                List.of("/bin/busybox", "sh", "-c", "echo migrating; echo boom >&2; exit 1"), null, List.of(),
                Optional.empty(), Map.of(), List.of()), Duration.ofSeconds(20));

        // then its exit code and output come back
        assertThat(failed).isEqualTo(new OneShotResult(1, false, failed.outputTail()));
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.outputTail()).contains("migrating").contains("boom");

        // when a hook hangs
        long start = System.nanoTime();
        var hung = runtime.runOnce(ENGINE, new ContainerSpec(docker.name("hang"), healthyImage, hook, Map.of(),
                List.of("/bin/busybox", "sleep", "30"), null, List.of(), Optional.empty(), Map.of(), List.of()),
                Duration.ofSeconds(2));
        long took = millisSince(start);

        // then it is reported as timed out, killed and removed
        assertThat(hung.timedOut()).isTrue();
        assertThat(hung.succeeded()).isFalse();
        assertThat(took).isBetween(2_000L, 10_000L);
        assertThat(runtime.containers(ENGINE, hook)).isEmpty();
        System.out.printf("[timing] hanging hook reported after %d ms (timeout 2000 ms)%n", took);
    }

    @Test
    void runOnceKeepsOnlyTheTailOfLongOutput() {
        var result = runtime.runOnce(ENGINE, docker.oneShot(healthyImage, null,
                List.of("/bin/busybox", "sh", "-c", "for i in $(/bin/busybox seq 1 100); do echo line$i; done")),
                Duration.ofSeconds(20));

        assertThat(result.succeeded()).isTrue();
        var lines = result.outputTail().strip().lines().toList();
        assertThat(lines).hasSize(DockerContainerRuntime.OUTPUT_TAIL_LINES).endsWith("line100").startsWith("line81");
    }

    @Test
    void createsWithEnvVolumesLoopbackPortsInitAndRestartPolicy(@TempDir Path dir) throws Exception {
        // given a file to mount and a free local port
        Files.writeString(dir.resolve("greeting"), "from the host");
        int port = freePort();
        var spec = new ContainerSpec(docker.name("full"), healthyImage, docker.labels(), Map.of("GREETING", "hello"),
                List.of(), docker.network("net"), List.of("full"), Optional.empty(), Map.of(8080, port),
                List.of(dir + ":/data:ro"));

        // when it runs
        var id = runtime.create(ENGINE, spec);
        runtime.start(ENGINE, id);
        awaitHealth(id, Health.HEALTHY);

        // then the engine holds init, the restart policy and a binding on 127.0.0.1 only
        var inspected = runtime.client(ENGINE).inspectContainerCmd(id).exec();
        assertThat(inspected.getHostConfig().getInit()).isTrue();
        assertThat(inspected.getHostConfig().getRestartPolicy().getName()).isEqualTo("unless-stopped");
        var bindings = inspected.getHostConfig().getPortBindings().getBindings();
        assertThat(bindings).hasSize(1);
        assertThat(bindings.values().iterator().next())
                .extracting(b -> b.getHostIp() + ":" + b.getHostPortSpec())
                .containsExactly("127.0.0.1:" + port);
        assertThat(List.of(inspected.getConfig().getEnv())).contains("GREETING=hello");

        // and the service answers on the loopback port
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        var answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/version"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).isEqualTo("v1");

        // and one-shot containers see env and read-only volumes too
        var hook = new ContainerSpec(null, healthyImage, docker.labels(Labels.ROLE, "hook"), Map.of("GREETING", "hello"),
                List.of("/bin/busybox", "sh", "-c", "echo $GREETING; cat /data/greeting; echo x > /data/nope || echo read-only"),
                null, List.of(), Optional.empty(), Map.of(), List.of(dir + ":/data:ro"));
        var result = runtime.runOnce(ENGINE, hook, Duration.ofSeconds(20));
        assertThat(result.outputTail()).contains("hello").contains("from the host").contains("read-only");
    }

    @Test
    void streamsHealthTransitions() throws Exception {
        // given a watch on this test's containers
        var events = new CopyOnWriteArrayList<HealthEvent>();
        var watched = docker.labels(Labels.DEPLOYMENT, docker.name("watch"));
        var unwatched = docker.labels(Labels.DEPLOYMENT, docker.name("other"));
        var network = docker.network("net");
        var handle = runtime.watchHealth(ENGINE, watched, events::add);
        try {
            // when a healthy and a broken container start, and one that is not watched
            var good = runtime.create(ENGINE, docker.service("good", healthyImage, network, List.of(), watched));
            var bad = runtime.create(ENGINE, docker.service("bad", brokenImage, network, List.of(), watched));
            var other = runtime.create(ENGINE, docker.service("other", healthyImage, network, List.of(), unwatched));
            long start = System.nanoTime();
            runtime.start(ENGINE, good);
            runtime.start(ENGINE, bad);
            runtime.start(ENGINE, other);

            // then the stream tells both transitions of the watched ones, and nothing of the other
            await().atMost(HEALTHY_WITHIN).until(() -> events.stream()
                    .anyMatch(e -> e.containerId().equals(good) && e.health() == Health.HEALTHY));
            System.out.printf("[timing] health event HEALTHY %d ms after start%n", millisSince(start));
            await().atMost(HEALTHY_WITHIN).until(() -> events.stream()
                    .anyMatch(e -> e.containerId().equals(bad) && e.health() == Health.UNHEALTHY));
            awaitHealth(other, Health.HEALTHY);
            assertThat(events).noneMatch(e -> e.containerId().equals(other));
            assertThat(events).noneMatch(e -> e.containerId().equals(bad) && e.health() == Health.HEALTHY);
            assertThat(events).allSatisfy(e -> assertThat(e.at()).isBetween(Instant.now().minusSeconds(120), Instant.now()));
        } finally {
            handle.close();
        }
        handle.close(); // closing twice is quiet
    }

    @Test
    void aHealthStreamTheEngineEndsSaysItIsBrokenWhileOneClosedHereDoesNot() {
        // given two watches through a connection to the engine that can be cut, and one on the engine itself
        var proxy = new dev.vitals.EngineProxy(java.nio.file.Path.of(ENGINE.host().substring("unix://".length())));
        var throughProxy = new EngineEndpoint(proxy.endpoint(), Optional.empty());
        try (var elsewhere = new DockerContainerRuntime()) {
            var cut = elsewhere.watchHealth(throughProxy, docker.labels(), e -> { });
            var kept = runtime.watchHealth(ENGINE, docker.labels(), e -> { });
            var closed = runtime.watchHealth(ENGINE, docker.labels(), e -> { });
            assertThat(cut.broken()).isFalse();

            // when the connection is cut under the first, and the third is closed here
            proxy.cut();
            closed.close();

            // then the first says it is broken, and neither the kept nor the closed one is
            await().atMost(Duration.ofSeconds(10)).until(cut::broken);
            assertThat(kept.broken()).isFalse();
            assertThat(closed.broken()).isFalse();
            cut.close();
            kept.close();
        } finally {
            proxy.cut();
        }
    }

    @Test
    void toleratesContainersThatAreAlreadyGone() {
        var missing = "0123456789ab" + docker.run.replace("-", "");

        assertThat(runtime.inspect(ENGINE, missing)).isEmpty();
        runtime.remove(ENGINE, missing);
        runtime.stop(ENGINE, missing, Duration.ofSeconds(1));
        runtime.disconnect(ENGINE, missing, docker.network("net"));
        assertThat(runtime.containers(ENGINE, docker.labels())).isEmpty();
    }

    @Test
    void stopsPromptlyBecauseContainersRunWithInit() {
        var id = runtime.create(ENGINE, docker.service("stop", healthyImage, docker.network("net"), List.of(),
                docker.labels()));
        runtime.start(ENGINE, id);

        long start = System.nanoTime();
        runtime.stop(ENGINE, id, Duration.ofSeconds(10));
        long took = millisSince(start);

        var stopped = runtime.inspect(ENGINE, id).orElseThrow();
        assertThat(stopped.running()).isFalse();
        assertThat(stopped.status()).isEqualTo("exited");
        assertThat(took).as("httpd as PID 1 would ignore SIGTERM for the whole grace period").isLessThan(5_000);
        runtime.stop(ENGINE, id, Duration.ofSeconds(10)); // already stopped: no error
    }

    @Test
    void reportsUnreachableEngineClearly() throws IOException {
        // given engines that are not there: a missing socket and a closed local port
        var noSocket = new EngineEndpoint("unix:///nonexistent.sock", Optional.empty());
        var closedPort = new EngineEndpoint("tcp://127.0.0.1:" + freePort(), Optional.empty());
        try (var elsewhere = new DockerContainerRuntime()) {
            for (var engine : List.of(noSocket, closedPort)) {
                // when Vitals talks to them, then it is told quickly and clearly
                long start = System.nanoTime();
                assertThatThrownBy(() -> elsewhere.ping(engine))
                        .isInstanceOf(EngineUnavailableException.class)
                        .hasMessageStartingWith("Docker engine at " + engine.host() + " does not answer: ")
                        .hasMessageEndingWith("Is dockerd running?");
                assertThat(millisSince(start)).isLessThan(5_000);
                assertThatThrownBy(() -> elsewhere.containers(engine, Map.of(Labels.MANAGED, "true")))
                        .isInstanceOf(EngineUnavailableException.class).hasMessageContaining(engine.host());
                assertThatThrownBy(() -> elsewhere.runOnce(engine, docker.oneShot(healthyImage, null, List.of("true")),
                        Duration.ofSeconds(5)))
                        .isInstanceOf(EngineUnavailableException.class).hasMessageContaining(engine.host());
                assertThatThrownBy(() -> elsewhere.watchHealth(engine, Map.of(), e -> { }))
                        .isInstanceOf(EngineUnavailableException.class).hasMessageContaining(engine.host());
            }
            assertThatThrownBy(() -> elsewhere.ping(new EngineEndpoint("docker-host", Optional.empty())))
                    .isInstanceOf(EngineUnavailableException.class)
                    .hasMessageContaining("'docker-host' is not usable")
                    .hasMessageContaining("unix:///path/to/docker.sock or tcp://host:port");
        }
    }

    @Test
    void everyContainerRunsWithinItsResourceLimitsAndCannotGainPrivileges() {
        // given a service container with limits of its own, and one created without naming any
        var network = docker.network("net");
        var limits = new Resources(128L << 20, 0.5, 64);
        var limited = runtime.create(ENGINE, new ContainerSpec(docker.name("limited"), healthyImage, docker.labels(),
                Map.of(), List.of(), network, List.of("limited"), Optional.empty(), Map.of(), List.of(), limits));
        var plain = runtime.create(ENGINE, docker.service("plain", healthyImage, network, List.of(), docker.labels()));
        runtime.start(ENGINE, limited);
        awaitHealth(limited, Health.HEALTHY);

        // then the engine holds the limits and no-new-privileges for each
        var host = runtime.client(ENGINE).inspectContainerCmd(limited).exec().getHostConfig();
        assertThat(host.getMemory()).isEqualTo(128L * 1024 * 1024);
        assertThat(host.getMemorySwap()).isEqualTo(128L * 1024 * 1024);
        assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(host.getPidsLimit()).isEqualTo(64L);
        assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges");
        var defaults = runtime.client(ENGINE).inspectContainerCmd(plain).exec().getHostConfig();
        assertThat(defaults.getMemory()).isEqualTo(512L * 1024 * 1024);
        assertThat(defaults.getNanoCPUs()).isEqualTo(1_000_000_000L);
        assertThat(defaults.getPidsLimit()).isEqualTo(256L);
        assertThat(defaults.getSecurityOpts()).containsExactly("no-new-privileges");

        // and a one-shot container (hook, probe) feels them from the inside: the kernel refuses a 17th process
        var hook = runtime.runOnce(ENGINE, new ContainerSpec(null, healthyImage, docker.labels(Labels.ROLE, "hook"),
                Map.of(), List.of("/bin/busybox", "sh", "-c", "grep NoNewPrivs /proc/self/status;"
                        + " i=0; while [ $i -lt 30 ]; do /bin/busybox sleep 2 & i=$((i+1)); done; wait; echo done"),
                network, List.of(), Optional.empty(), Map.of(), List.of(), new Resources(64L << 20, 0.25, 16)),
                Duration.ofSeconds(30));
        assertThat(hook.outputTail()).contains("NoNewPrivs:\t1").contains("can't fork");
    }

    @Test
    void reachesATlsEngineOnlyWithTheCatalogsCertificates(@TempDir Path dir) throws Exception {
        // given the local engine behind mutual TLS, and client files as an operator would name them
        try (var door = new TlsEngineDoor(Path.of(ENGINE.host().replaceFirst("^unix://", "")));
             var overTls = new DockerContainerRuntime()) {
            var engine = new EngineEndpoint(door.endpoint(), Optional.empty(), Optional.of(door.clientFiles(dir.resolve("ours"))));

            // when Vitals talks to it with them, then the engine answers through the verified channel
            assertThat(overTls.ping(engine)).isEqualTo(runtime.ping(ENGINE));
            assertThat(overTls.tags(engine, "vitals-test-none")).isEmpty();
            assertThat(door.verifiedClients()).isPositive();

            // when the files come from another CA, or no TLS is used, then nothing gets through
            int before = door.verifiedClients();
            var stranger = new EngineEndpoint(door.endpoint(), Optional.empty(),
                    Optional.of(TlsEngineDoor.strangerFiles(dir.resolve("stranger"))));
            assertThatThrownBy(() -> overTls.ping(stranger)).isInstanceOf(EngineUnavailableException.class)
                    .hasMessageContaining(door.endpoint());
            var plain = new EngineEndpoint(door.endpoint(), Optional.empty());
            assertThatThrownBy(() -> overTls.ping(plain)).isInstanceOf(EngineUnavailableException.class)
                    .hasMessageContaining(door.endpoint());
            assertThat(door.verifiedClients()).isEqualTo(before);
        }
    }

    @Test
    void listsEveryContainerOnANetworkWhoeverMadeIt() {
        // given a container with Vitals' labels and one made by hand without them, on one network
        var network = docker.network("net");
        var ours = runtime.create(ENGINE, docker.service("ours", healthyImage, network, List.of("web"), docker.labels()));
        var unlabelled = new java.util.HashMap<String, String>(Map.of(TestEngine.TEST_LABEL, docker.run));
        var theirs = runtime.create(ENGINE, docker.service("theirs", healthyImage, network, List.of("web"), unlabelled));
        runtime.create(ENGINE, docker.service("elsewhere", healthyImage, docker.network("other"), List.of("web"),
                docker.labels()));

        // then both on the network are listed, with their aliases and labels, and nothing from elsewhere
        var attached = runtime.attachedTo(ENGINE, network);
        assertThat(attached).extracting(ContainerInfo::id).containsExactlyInAnyOrder(ours, theirs);
        assertThat(attached).allSatisfy(c -> assertThat(c.aliases()).containsEntry(network, List.of("web")));
        assertThat(attached).filteredOn(c -> c.id().equals(theirs)).singleElement()
                .satisfies(c -> assertThat(c.labels()).doesNotContainKey(Labels.MANAGED));
        assertThat(runtime.attachedTo(ENGINE, docker.name("no-such-network"))).isEmpty();
    }

    @Test
    void pingNamesTheVersionTheEngineReportsForItself() {
        assertThat(runtime.ping(ENGINE)).isNotBlank().isEqualTo(runtime.client(ENGINE).versionCmd().exec().getVersion());
    }

    @Test
    void reportsAnApiVersionTheEngineDoesNotSpeak() {
        var tooNew = new EngineEndpoint(ENGINE.host(), Optional.of("1.99"));
        try (var pinned = new DockerContainerRuntime()) {
            assertThatThrownBy(() -> pinned.ping(tooNew))
                    .isInstanceOf(EngineUnavailableException.class)
                    .hasMessageContaining(ENGINE.host())
                    .hasMessageContaining("1.99");
        }
        var supported = new EngineEndpoint(ENGINE.host(), Optional.of("1.41"));
        try (var pinned = new DockerContainerRuntime()) {
            assertThat(pinned.ping(supported)).isEqualTo(runtime.ping(ENGINE));
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Health health(String id) {
        return runtime.inspect(ENGINE, id).map(ContainerInfo::health).orElse(Health.NONE);
    }

    private static void awaitHealth(String id, Health expected) {
        await().atMost(HEALTHY_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> health(id) == expected);
    }

    private static OneShotResult probe(String image, String network, String url) {
        var result = runtime.runOnce(ENGINE, docker.oneShot(image, network,
                List.of("/bin/busybox", "wget", "-q", "-O-", url)), Duration.ofSeconds(20));
        assertThat(result.succeeded()).as("probe of %s: %s", url, result).isTrue();
        return result;
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
