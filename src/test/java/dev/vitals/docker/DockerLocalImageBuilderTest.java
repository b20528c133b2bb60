package dev.vitals.docker;

import static dev.vitals.docker.TestEngine.ENGINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.EngineEndpoint;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.LocalImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LocalImageBuilder} and the build at start, against the real local Docker engine. */
class DockerLocalImageBuilderTest {

    private TestEngine docker;

    @BeforeEach
    void requireEngine() {
        docker = new TestEngine().requireEngine();
    }

    @AfterEach
    void removeEverything() {
        if (docker != null) {
            docker.close();
        }
    }

    @Test
    void startBuildsEveryLocalImageOnEveryEngineAndSurvivesAnEngineThatIsDown() {
        // given a catalog with two local images and two environments on the real engine, one on a dead one
        var healthy = new LocalImage(docker.imageRepository("frontend"), "v3.0.1", true);
        var broken = new LocalImage(docker.imageRepository("frontend"), "v3.0.2-broken", false);
        docker.removeImageLater(LocalImageBuilder.tag(healthy));
        docker.removeImageLater(LocalImageBuilder.tag(broken));
        var environments = new LinkedHashMap<String, Environment>();
        environments.put("staging", new Environment("staging", ENGINE, "vitals-staging", null));
        environments.put("production", new Environment("production", ENGINE, "vitals-production", null));
        environments.put("lab", new Environment("lab",
                new EngineEndpoint("unix:///nonexistent.sock", Optional.empty()), "vitals-lab", null));
        var startup = new LocalImagesAtStartup(catalog(environments, List.of(healthy, broken)), docker.builder);

        // when the application starts, twice
        int built = startup.ensureAll();
        int builtAgain = startup.ensureAll();

        // then each image was built once, on the engine that answers, and the dead one did not stop it
        assertThat(built).isEqualTo(2);
        assertThat(builtAgain).isZero();
        assertThat(docker.runtime.image(ENGINE, LocalImageBuilder.tag(healthy))).isPresent();
        assertThat(docker.runtime.image(ENGINE, LocalImageBuilder.tag(broken))).isPresent();
        var labels = docker.runtime.client(ENGINE).inspectImageCmd(LocalImageBuilder.tag(healthy)).exec()
                .getConfig().getLabels();
        assertThat(labels).containsEntry(LocalImageBuilder.LABEL, "true");
    }

    @Test
    void buildContextHoldsBusyboxServedFilesAndTheRightHealthCheck() throws IOException {
        var builder = new LocalImageBuilder(docker.runtime);

        var healthyContext = entries(builder.buildContext(new LocalImage("demo/api", "v9", true)));
        var brokenContext = entries(builder.buildContext(new LocalImage("demo/api", "v9", false)));

        assertThat(healthyContext).containsKeys("Dockerfile", "bin/busybox", "bin/sh", "www/health", "www/version",
                "www/index.html");
        assertThat(healthyContext.get("www/health")).isEqualTo("ok");
        assertThat(healthyContext.get("www/version")).isEqualTo("v9");
        assertThat(healthyContext.get("www/index.html")).contains("demo/api").contains("v9");
        assertThat(healthyContext.get("Dockerfile")).startsWith("FROM scratch\n")
                .contains("HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD [\"/bin/busybox\",\"wget\",\"-q\","
                        + "\"-O-\",\"http://127.0.0.1:8080/health\"]")
                .contains("CMD [\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"8080\",\"-h\",\"/www\"]");
        assertThat(brokenContext.get("Dockerfile")).contains("http://127.0.0.1:8080/ready\"]").doesNotContain("/health");
    }

    @Test
    void refusesToBuildWithoutStaticBusybox() {
        var image = new LocalImage(docker.imageRepository("never"), "v1", true);
        docker.removeImageLater(LocalImageBuilder.tag(image));

        var missing = new LocalImageBuilder(docker.runtime, Path.of("/nonexistent/busybox"));
        assertThatThrownBy(() -> missing.ensure(ENGINE, image))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nonexistent/busybox")
                .hasMessageContaining("install busybox-static");

        var dynamic = new LocalImageBuilder(docker.runtime, Path.of(ProcessHandle.current().info().command().orElseThrow()));
        assertThatThrownBy(() -> dynamic.ensure(ENGINE, image))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a statically linked executable")
                .hasMessageContaining("install busybox-static");
        assertThat(docker.runtime.image(ENGINE, LocalImageBuilder.tag(image))).isEmpty();
    }

    private static Map<String, String> entries(byte[] tar) throws IOException {
        var result = new LinkedHashMap<String, String>();
        try (var in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                result.put(entry.getName(), entry.isSymbolicLink() ? "-> " + entry.getLinkName()
                        : entry.getName().endsWith("busybox") ? "(binary)" : new String(in.readAllBytes()));
            }
        }
        return result;
    }

    private static Catalog catalog(Map<String, Environment> environments, List<LocalImage> localImages) {
        return new Catalog(Path.of("vitals.yml"), environments, Map.of(), Map.of(), Map.of(), List.of(), null, null,
                null, List.of(), localImages);
    }
}
