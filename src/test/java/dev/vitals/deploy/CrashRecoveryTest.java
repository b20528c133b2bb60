package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient;
import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.DockerCli;
import dev.vitals.TestCatalog;
import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.CatalogLoader;
import dev.vitals.docker.DockerContainerRuntime;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vitals as a separate process, killed with SIGKILL in the middle of a deployment and started again
 * on the same database: it must end with exactly one live version and say so in the thread.
 */
class CrashRecoveryTest {
    private static EmbeddedPostgres postgres;
    private static Path dir;
    private static Path catalogFile;
    private static String env;
    private final DockerContainerRuntime runtime = new DockerContainerRuntime();
    private Process vitals;

    @BeforeAll
    static void database() throws IOException {
        dir = Files.createDirectories(Path.of("target", "test-" + TestCatalog.RUN, "crash").toAbsolutePath());
        postgres = EmbeddedPostgres.builder().setOverrideWorkingDirectory(dir.resolve("pg").toFile()).start();
        env = TestCatalog.RUN + "-crash";
        // A slow first health check (5 s) leaves time to kill Vitals while it waits for health.
        catalogFile = dir.resolve("vitals.yml");
        Files.writeString(catalogFile, """
                environments:
                  %1$s: {network: vitals-%1$s}
                services:
                  backend:
                    image: vitals-demo/backend
                    health: {interval: 5s, timeout: 2s, retries: 2, gate-timeout: 40s}
                users:
                  alice: [deployer]
                deploy: {verify-stable: 2s}
                local-images:
                  - {image: "vitals-demo/backend:v1.3"}
                  - {image: "vitals-demo/backend:v1.4"}
                """.formatted(env));
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        DockerCli.run("sh", "-c", "ids=$(docker ps -aq --filter label=vitals.environment=" + env
                + "); [ -z \"$ids\" ] || docker rm -f $ids >/dev/null; docker network rm vitals-" + env
                + " >/dev/null 2>&1; true");
        if (postgres != null) {
            postgres.close();
        }
    }

    @AfterEach
    void stopVitals() {
        if (vitals != null) {
            vitals.destroyForcibly();
        }
        runtime.close();
    }

    @Test
    void killedDuringWaitHealthyAndRestartedEndsWithExactlyOneLiveVersionAndSaysSo() throws Exception {
        // given Vitals running with v1.3 live
        int port = freePort();
        vitals = start(port, "first");
        ConsoleClient console = new ConsoleClient(port);
        Catalog catalog = CatalogLoader.load(catalogFile);
        DeployDriver driver = new DeployDriver(console, runtime, catalog);
        await().atMost(Duration.ofMinutes(1)).until(() -> catalog.localImages().stream()
                .allMatch(i -> runtime.image(catalog.environments().get(env).engine(), i.ref()).isPresent()));
        driver.deployed("alice", "backend", "v1.3", env);

        // when it is killed (SIGKILL) while v1.4 waits for its health check
        String id = driver.request("alice", "/deploy backend v1.4 " + env);
        driver.awaitStep(id, "wait healthy", "RUNNING");
        vitals.destroyForcibly().waitFor();
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.3");

        // and started again on the same database
        vitals = start(port, "second");
        DeploymentView d = driver.awaitEnd(id);

        // then exactly one version is live, nothing half-made is left, and the thread says what happened
        assertThat(driver.serving("backend", env)).hasSize(1);
        List<String> versions = driver.servingVersions("backend", env);
        assertThat(versions).hasSize(1);
        if (d.status().equals("SUCCEEDED")) {
            assertThat(versions).containsExactly("v1.4");
        } else {
            assertThat(versions).containsExactly("v1.3");
        }
        driver.awaitThreadContains(d, "Vitals restarted while " + id + " was in wait healthy");
        assertThat(driver.all("backend", env)).filteredOn(c -> c.running()).hasSizeLessThanOrEqualTo(2);
        System.out.printf("crash during wait healthy: %s ended %s; serving %s%n", id, d.status(), versions);
    }

    private Process start(int port, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.vitals.VitalsApplication")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("vitals-" + name + ".log").toFile());
        Map<String, String> envVars = pb.environment();
        envVars.put("VITALS_PORT", Integer.toString(port));
        envVars.put("VITALS_CATALOG", catalogFile.toString());
        envVars.put("VITALS_DATABASE_URL", postgres.getJdbcUrl("postgres", "postgres"));
        envVars.put("SPRING_DATASOURCE_USERNAME", "postgres");
        envVars.put("VITALS_HOME", dir.resolve("home").toString());
        Process p = pb.start();
        ConsoleClient probe = new ConsoleClient(port);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
                if (!p.isAlive()) {
                    fail("Vitals exited during start; see " + dir.resolve("vitals-" + name + ".log"));
                }
                try {
                    return probe.get("/actuator/health").status() == 200;
                } catch (IllegalStateException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
