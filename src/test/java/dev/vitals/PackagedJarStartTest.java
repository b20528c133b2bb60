package dev.vitals;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar started exactly as {@code deploy/local/demo.sh} starts it ({@link PackagedJar}): the context
 * Spring prepared ahead of time in the build, the start-up cache, the embedded PostgreSQL started alongside the
 * context. Runs after the {@code package} phase (the surefire execution {@code packaged} in pom.xml).
 */
class PackagedJarStartTest {

    @Test
    void theDemoStartCarriesADeploymentThroughStopsCleanlyAndRefusesDiscordOnTheConsolesContext() throws Exception {
        String staging = TestCatalog.RUN + "-pkstaging";
        String production = TestCatalog.RUN + "-pkproduction";
        String demo = TestCatalog.demo(staging, production);
        try (VitalsProcess vitals = VitalsProcess.packaged("packaged-start", demo, Map.of())) {
            vitals.start();
            assertThat(Files.readString(vitals.log())).contains("Starting AOT-processed VitalsApplication");
            ConsoleClient console = new ConsoleClient(vitals.port());
            DeployDriver driver = new DeployDriver(console, null, null);
            DeployDriver.DeploymentView d = driver.awaitEnd(driver.request("alice", "/deploy backend v1.4 " + staging));
            assertThat(d.status()).as(d.detail()).isEqualTo("SUCCEEDED");
            assertThat(console.ask("dave", "deploys", "/status " + staging)).contains("backend").contains("v1.4");

            // SIGTERM: the context closes before its embedded PostgreSQL stops, so nothing is cut off mid-write
            vitals.stop();
            assertThat(Files.readString(vitals.log()))
                    .contains("Graceful shutdown complete")
                    .doesNotContain("terminating connection due to administrator command")
                    .doesNotContain("Could not post to chat");
            Path pid = vitals.home().resolve("pgdata").resolve("postmaster.pid");
            assertThat(pid).doesNotExist();

            // Discord configured on the console's ahead-of-time context: refused, with how to start instead;
            // the database started alongside the failed context is stopped with it
            assertThat(vitals.startExpectingRefusal(Map.of("DISCORD_TOKEN", "token-of-a-bot",
                    "VITALS_DISCORD_GUILD", "81384788765712384")))
                    .contains("Discord is configured")
                    .contains("Start Vitals without -Dspring.aot.enabled=true");
            assertThat(pid).doesNotExist();
        } finally {
            TestCatalog.removeEnvironment(staging);
            TestCatalog.removeEnvironment(production);
        }
    }
}
