package dev.vitals.database;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.TestCatalog;
import dev.vitals.VitalsProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Vitals as a separate process on the embedded PostgreSQL of its own VITALS_HOME, killed and started
 * again: the first restart must come up, whatever the killed one left behind, and say what it found.
 */
class EmbeddedDatabaseRestartTest {
    private final String env = TestCatalog.RUN + "-pg";
    private final List<VitalsProcess> started = new ArrayList<>();
    private Process unrelated;

    @AfterEach
    void cleanUp() throws Exception {
        for (VitalsProcess v : started) {
            v.close();
        }
        if (unrelated != null) {
            unrelated.destroyForcibly().waitFor();
        }
        TestCatalog.removeEnvironment(env);
    }

    @Test
    void aDatabaseLeftRunningByAKilledVitalsIsShutDownAndTheFirstRestartComesUp() throws Exception {
        // given Vitals running on its embedded database, killed with SIGKILL together with its watchdog
        // (as when a whole service is killed but PostgreSQL, in its own process group, is not)
        VitalsProcess vitals = vitals("pg-left");
        vitals.start();
        ProcessHandle postmaster = postmaster(vitals);
        killWatchdog(vitals);
        vitals.kill();
        assertThat(postmaster.isAlive()).as("the database outlives the killed Vitals").isTrue();

        // when it is started once more
        vitals.start();

        // then it came up (start() waits for health 200), after shutting the old database down, and says so
        String found = foundLine(vitals);
        assertThat(found).contains("PostgreSQL (pid " + postmaster.pid() + ") still running in")
                .contains("shut it down (fast)");
        assertThat(postmaster.isAlive()).isFalse();
        assertThat(postmaster(vitals).pid()).isNotEqualTo(postmaster.pid());
        Matcher took = Pattern.compile("in (\\d+) ms").matcher(found);
        assertThat(took.find()).isTrue();
        System.out.println("MEASURED: shutting down the database left running took " + took.group(1) + " ms");
    }

    @Test
    @Tag("faults")
    void theWatchdogStopsTheDatabaseWhenVitalsIsKilled() throws Exception {
        // given Vitals running on its embedded database
        VitalsProcess vitals = vitals("pg-watchdog");
        vitals.start();
        ProcessHandle postmaster = postmaster(vitals);

        // when only the Vitals JVM is killed with SIGKILL
        vitals.kill();

        // then its database shuts down cleanly on its own (its pid file goes with it), and the next start finds nothing
        await().atMost(Duration.ofSeconds(30)).until(() -> !postmaster.isAlive());
        assertThat(pidFile(vitals)).doesNotExist();
        vitals.start();
        assertThat(foundLine(vitals)).contains("no PostgreSQL left running in");
    }

    @Test
    void aStalePidFileIsRemovedAndTheProcessItNamesIsLeftAlone() throws Exception {
        // given a killed Vitals whose database was killed too (SIGKILL), leaving its pid file behind, and that
        // pid now taken by an unrelated program
        VitalsProcess vitals = vitals("pg-stale");
        vitals.start();
        ProcessHandle postmaster = postmaster(vitals);
        List<ProcessHandle> backends = postmaster.descendants().toList();
        killWatchdog(vitals);
        vitals.kill();
        postmaster.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !postmaster.isAlive()
                && backends.stream().noneMatch(ProcessHandle::isAlive));
        unrelated = new ProcessBuilder("sleep", "600").start();
        List<String> lines = new ArrayList<>(Files.readAllLines(pidFile(vitals)));
        lines.set(0, Long.toString(unrelated.pid()));
        Files.write(pidFile(vitals), lines);

        // when it is started once more
        vitals.start();

        // then it came up, said the pid file was stale, and did not signal the program that has that pid now
        assertThat(foundLine(vitals)).contains("a stale postmaster.pid in")
                .contains("naming pid " + unrelated.pid()).contains("not PostgreSQL");
        assertThat(unrelated.isAlive()).isTrue();
    }

    @Test
    @Tag("faults")
    void aNormalStopStopsTheEmbeddedDatabaseWithVitals() throws Exception {
        // given Vitals running on its embedded database
        VitalsProcess vitals = vitals("pg-stop");
        vitals.start();
        ProcessHandle postmaster = postmaster(vitals);
        List<ProcessHandle> watchdogs = watchdogs(vitals);
        assertThat(watchdogs).hasSize(1);

        // when it is stopped with SIGTERM (as a service manager or Ctrl-C stops it)
        vitals.stop();

        // then the database has stopped with it, cleanly (its pid file is removed as its shutdown completes,
        // a moment before the process itself has exited), and the watchdog is gone
        assertThat(pidFile(vitals)).doesNotExist();
        await().atMost(Duration.ofSeconds(10)).until(() -> !postmaster.isAlive());
        await().atMost(Duration.ofSeconds(10)).until(() -> watchdogs.stream().noneMatch(ProcessHandle::isAlive));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private VitalsProcess vitals(String name) throws IOException {
        VitalsProcess v = VitalsProcess.withEmbeddedDatabase(name + "-" + System.nanoTime(), """
                environments:
                  %1$s: {network: vitals-%1$s}
                services:
                  backend: {image: vitals-demo/backend}
                policies: [{environment: %1$s, approvals: {}}]
                users:
                  alice: [deployer]
                """.formatted(env), Map.of());
        started.add(v);
        return v;
    }

    private static Path pidFile(VitalsProcess vitals) {
        return vitals.home().resolve("pgdata").resolve(LeftoverPostmaster.PID_FILE);
    }

    private static ProcessHandle postmaster(VitalsProcess vitals) throws IOException {
        long pid = Long.parseLong(Files.readAllLines(pidFile(vitals)).getFirst().strip());
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
        assertThat(handle.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/postgres"));
        return handle;
    }

    private static List<ProcessHandle> watchdogs(VitalsProcess vitals) {
        return vitals.handle().descendants().filter(p -> p.info().arguments()
                .map(a -> Arrays.asList(a).contains(PostmasterWatchdog.NAME)).orElse(false)).toList();
    }

    private static void killWatchdog(VitalsProcess vitals) {
        List<ProcessHandle> watchdogs = watchdogs(vitals);
        assertThat(watchdogs).hasSize(1);
        watchdogs.forEach(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> watchdogs.stream().noneMatch(ProcessHandle::isAlive));
    }

    /** The one line in which the latest start said what it found in the data directory. */
    private static String foundLine(VitalsProcess vitals) throws IOException {
        List<String> found = Files.readAllLines(vitals.log()).stream()
                .filter(l -> l.contains("Embedded PostgreSQL: found ")).toList();
        assertThat(found).hasSize(1);
        return found.getFirst();
    }
}
