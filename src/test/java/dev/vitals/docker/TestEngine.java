package dev.vitals.docker;

import static org.assertj.core.api.Assertions.fail;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.vitals.catalog.Catalog.EngineEndpoint;
import dev.vitals.deploy.ContainerRuntime.ContainerSpec;
import dev.vitals.deploy.EngineUnavailableException;
import dev.vitals.deploy.Labels;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The real local Docker engine the tests run against, and bookkeeping of everything a test creates there
 * so that it is removed afterwards. Everything is named {@code vitals-test-<random>} and labelled
 * {@code vitals.test=<that name>}; nothing is pruned globally.
 */
final class TestEngine implements AutoCloseable {

    static final EngineEndpoint ENGINE = new EngineEndpoint(
            Optional.ofNullable(System.getenv("VITALS_TEST_DOCKER_HOST")).orElse("unix:///var/run/docker.sock"),
            Optional.empty());
    static final String TEST_LABEL = "vitals.test";

    final DockerContainerRuntime runtime = new DockerContainerRuntime();
    final LocalImageBuilder builder = new LocalImageBuilder(runtime);
    /** Unique to this instance: prefix of every name, value of the test label. */
    final String run = "vitals-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

    private final List<String> networks = new ArrayList<>();
    private final List<String> images = new ArrayList<>();

    /** Fails (never skips) when the engine does not answer. */
    TestEngine requireEngine() {
        try {
            runtime.ping(ENGINE);
        } catch (EngineUnavailableException e) {
            fail("These tests need a real Docker engine at " + ENGINE.host() + " (start it with"
                    + " `dockerd > /tmp/dockerd.log 2>&1 &`): " + e.getMessage(), e);
        }
        return this;
    }

    String name(String what) {
        return run + "-" + what;
    }

    /** The labels of everything this test creates; {@code extra} e.g. to tell one test's containers apart. */
    Map<String, String> labels(String... extra) {
        var labels = new LinkedHashMap<String, String>();
        labels.put(TEST_LABEL, run);
        labels.put(Labels.MANAGED, "true");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            labels.put(extra[i], extra[i + 1]);
        }
        return labels;
    }

    String network(String what) {
        var network = name(what);
        networks.add(network);
        runtime.ensureNetwork(ENGINE, network);
        return network;
    }

    /** An image reference unique to this test (repository names must be lowercase). */
    String imageRepository(String what) {
        return run + "/" + what;
    }

    void removeImageLater(String tag) {
        images.add(tag);
    }

    ContainerSpec service(String name, String image, String network, List<String> aliases, Map<String, String> labels) {
        return new ContainerSpec(name(name), image, labels, Map.of(), List.of(), network, aliases, Optional.empty(),
                Map.of(), List.of());
    }

    ContainerSpec oneShot(String image, String network, List<String> command) {
        return new ContainerSpec(null, image, labels(Labels.ROLE, "probe"), Map.of(), command, network, List.of(),
                Optional.empty(), Map.of(), List.of());
    }

    /** Removes this test's containers, then its networks. */
    void removeContainersAndNetworks() {
        var client = runtime.client(ENGINE);
        for (var container : client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(TEST_LABEL, run)).exec()) {
            runtime.remove(ENGINE, container.getId());
        }
        for (var network : networks) {
            try {
                client.removeNetworkCmd(network).exec();
            } catch (NotFoundException e) {
                // never created or already gone
            }
        }
        networks.clear();
    }

    void removeImages() {
        for (var image : images) {
            try {
                runtime.client(ENGINE).removeImageCmd(image).withForce(true).exec();
            } catch (NotFoundException e) {
                // never built
            }
        }
        images.clear();
    }

    @Override
    public void close() {
        try {
            removeContainersAndNetworks();
            removeImages();
        } finally {
            runtime.close();
        }
    }
}
