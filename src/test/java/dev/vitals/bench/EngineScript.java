package dev.vitals.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.vitals.catalog.Catalog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The baseline a deploy is compared with: a plain docker-java script making the Engine API calls a
 * blue-green deploy of Vitals makes, and nothing else: create the new container on the network
 * without the service's alias (same health check, limits, init, restart policy, no-new-privileges,
 * labels), start it, wait until the engine reports it healthy (on the engine's event stream, the
 * quickest the engine can tell), re-attach it with the alias, and re-attach the old container at
 * its address without the alias.
 */
final class EngineScript implements AutoCloseable {
    private final DockerClient calls;
    private final DockerClient streams;
    /** How often the health event did not come and an inspect found the container healthy (should stay 0). */
    int missedEvents;
    /** When the engine last changed anything (System.nanoTime): an event that is not a health check's. */
    private volatile long lastChange = System.nanoTime();
    private final java.io.Closeable changes;

    /** The phases of the last {@link #startHealthy}: create, start, start → healthy (milliseconds). */
    final Map<String, Double> phases = new java.util.LinkedHashMap<>();

    EngineScript(String dockerHost) {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost)
                .withDockerTlsVerify(false).build();
        calls = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).responseTimeout(Duration.ofSeconds(60)).build());
        streams = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).build());
        changes = streams.eventsCmd().exec(new ResultCallback.Adapter<Event>() {
            @Override
            public void onNext(Event e) {
                String action = e.getAction() == null ? "" : e.getAction();
                if (!action.startsWith("exec_") && !action.startsWith("health_status")) {
                    lastChange = System.nanoTime();
                }
            }
        });
    }

    /** The engine changed nothing but health checks' results for {@code quiet}. */
    boolean quietFor(Duration quiet) {
        return System.nanoTime() - lastChange >= quiet.toNanos();
    }

    /** Creates, starts and waits for the container to be healthy; returns its id. */
    String startHealthy(String name, String image, Catalog.Service service, String environment, String version,
                        String network, List<String> aliases) throws InterruptedException {
        return startHealthy(name, image, service.name(), service.health(), service.resources(), environment, version,
                network, aliases);
    }

    String startHealthy(String name, String image, String serviceName, Catalog.Health h, Catalog.Resources limits,
                        String environment, String version, String network, List<String> aliases)
            throws InterruptedException {
        HealthCheck check = new HealthCheck().withInterval(h.interval().toNanos()).withTimeout(h.timeout().toNanos())
                .withRetries(h.retries());
        if (h.command() != null && !h.command().isEmpty()) {
            check.withTest(h.command().getFirst().matches("CMD|CMD-SHELL|NONE") ? h.command()
                    : java.util.stream.Stream.concat(java.util.stream.Stream.of("CMD"), h.command().stream()).toList());
        }
        if (h.startPeriod() != null) {
            check.withStartPeriod(h.startPeriod().toNanos());
        }
        var host = HostConfig.newHostConfig().withInit(true).withRestartPolicy(RestartPolicy.unlessStoppedRestart())
                .withMemory(limits.memoryBytes()).withMemorySwap(limits.memoryBytes())
                .withNanoCPUs(Math.round(limits.cpus() * 1_000_000_000d)).withPidsLimit((long) limits.pids())
                .withSecurityOpts(List.of("no-new-privileges")).withNetworkMode(network);
        var create = calls.createContainerCmd(image).withName(name)
                .withLabels(Map.of("vitals.environment", environment, "vitals.service", serviceName,
                        "vitals.version", version, "bench.script", "true"))
                .withHealthcheck(check).withHostConfig(host);
        if (!aliases.isEmpty()) {
            create.withAliases(aliases);
        }
        long t0 = System.nanoTime();
        String id = create.exec().getId();
        phases.clear();
        phases.put("create", (System.nanoTime() - t0) / 1e6);
        CountDownLatch healthy = new CountDownLatch(1);
        try (var events = streams.eventsCmd().withContainerFilter(id).exec(new ResultCallback.Adapter<Event>() {
            @Override
            public void onNext(Event e) {
                if (Boolean.getBoolean("bench.debug")) {
                    System.out.println("event " + e.getStatus() + " | " + e.getAction());
                }
                if ("health_status: healthy".equals(e.getStatus()) || "health_status: healthy".equals(
                        e.getAction())) {
                    healthy.countDown();
                }
            }

            @Override
            public void onError(Throwable t) {
                System.out.println("engine event stream failed: " + t);
                super.onError(t);
            }
        })) {
            if (!events.awaitStarted(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the engine's event stream did not open");
            }
            long t1 = System.nanoTime();
            calls.startContainerCmd(id).exec();
            long t2 = System.nanoTime();
            phases.put("start", (t2 - t1) / 1e6);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // The event decides; an inspect once a second only guards against an event the stream missed.
            while (!healthy.await(1, TimeUnit.SECONDS)) {
                var state = calls.inspectContainerCmd(id).exec();
                var health = state.getState() == null ? null : state.getState().getHealth();
                if (health != null && "healthy".equals(health.getStatus())) {
                    missedEvents++;
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + " was not healthy within 60 s: " + state.getState());
                }
            }
            phases.put("healthy", (System.nanoTime() - t2) / 1e6);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    /** The new container takes the alias; then the old one is re-attached at its address without it. */
    void moveAlias(String network, String alias, String from, String to) {
        long t0 = System.nanoTime();
        calls.disconnectFromNetworkCmd().withContainerId(to).withNetworkId(network).exec();
        calls.connectToNetworkCmd().withContainerId(to).withNetworkId(network)
                .withContainerNetwork(new ContainerNetwork().withAliases(List.of(alias))).exec();
        var endpoint = calls.inspectContainerCmd(from).exec().getNetworkSettings().getNetworks().get(network);
        String address = endpoint.getIpAddress();
        calls.disconnectFromNetworkCmd().withContainerId(from).withNetworkId(network).exec();
        calls.connectToNetworkCmd().withContainerId(from).withNetworkId(network)
                .withContainerNetwork(new ContainerNetwork().withAliases(List.<String>of())
                        .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(address))).exec();
        phases.put("move alias", (System.nanoTime() - t0) / 1e6);
    }

    DockerClient client() {
        return calls;
    }

    @Override
    public void close() throws java.io.IOException {
        changes.close();
        calls.close();
        streams.close();
    }
}
