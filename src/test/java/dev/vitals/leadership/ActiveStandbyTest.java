package dev.vitals.leadership;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient;
import dev.vitals.ConsoleClient.Msg;
import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.DockerCli;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsProcess;
import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.CatalogLoader;
import dev.vitals.deploy.Labels;
import dev.vitals.docker.DockerContainerRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

/**
 * Two Vitals processes on one database, each a separate JVM with its own port and home: one is active,
 * the other a standby that leaves the active one's work alone and takes over when it is killed.
 */
@Tag("faults")
class ActiveStandbyTest {
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "REJECTED", "CANCELLED",
            "EXPIRED");
    private final String env = TestCatalog.RUN + "-pair";
    private final DockerContainerRuntime runtime = new DockerContainerRuntime();
    private final List<VitalsProcess> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (VitalsProcess p : processes.reversed()) {
            p.close();
        }
        TestCatalog.removeEnvironment(env);
        runtime.close();
    }

    @Test
    void theStandbyLeavesTheActivesDeploymentAloneAndTakesOverWithinTenSecondsWhenTheActiveIsKilled() throws Exception {
        // given an active Vitals; every deployment's snapshot hook waits until the test lets it finish
        VitalsProcess first = process("takeover", """
                    hooks:
                      snapshot: {command: [sh, -c, "while [ ! -e /go ]; do sleep 0.2; done"], timeout: 3m}
                """);
        first.start();
        assertThat(role(first)).isEqualTo("active");
        DeployDriver onFirst = driver(first);

        // when a standby starts on the same database while the active one deploys
        String running = onFirst.request("alice", "/deploy backend v1.4 " + env);
        onFirst.awaitStep(running, "snapshot hook", "RUNNING");
        VitalsProcess second = first.alongside("takeover-standby");
        processes.add(second);
        second.start();
        DeployDriver onSecond = driver(second);

        // then the standby says so and does not touch that deployment: the active one finishes it
        assertThat(role(second)).isEqualTo("standby");
        assertThat(onSecond.get(running).status()).isEqualTo("RUNNING");
        assertThat(new ConsoleClient(second.port()).ask("alice", "deploys", "/status " + env))
                .contains("This Vitals process is the **standby** (read-only)");
        releaseHook(onFirst, running);
        DeploymentView finished = onFirst.awaitEnd(running);
        assertThat(finished.status()).as("%s: %s %s", running, finished.detail(), finished.steps())
                .isEqualTo("SUCCEEDED");
        assertThat(onFirst.threadText(finished)).doesNotContain("Vitals restarted");

        // when the active one is killed (SIGKILL) in the middle of the next deployment
        String interrupted = onFirst.request("alice", "/deploy backend v1.5 " + env);
        onFirst.awaitStep(interrupted, "snapshot hook", "RUNNING");
        first.kill();
        long killedAt = System.nanoTime();

        // then the standby becomes active within 10 s
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> role(second).equals("active"));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);

        // and ends the deployment safely: v1.4 alone is live, nothing of v1.5 is left, and the thread says so
        DeploymentView ended = onSecond.awaitEnd(interrupted);
        Duration safe = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(ended.status()).as("%s: %s", interrupted, ended.detail()).isEqualTo("FAILED");
        assertThat(onSecond.serving("backend", env)).hasSize(1);
        assertThat(onSecond.servingVersions("backend", env)).containsExactly("v1.4");
        assertThat(onSecond.all("backend", env))
                .noneMatch(c -> interrupted.equals(c.labels().get(Labels.DEPLOYMENT)));
        onSecond.awaitThreadContains(ended, "was in snapshot hook");
        assertThat(new ConsoleClient(second.port()).ask("alice", "deploys", "/status " + env))
                .contains("**active**");
        System.out.printf("standby takeover after SIGKILL of the active: role active after %d ms; %s ended %s"
                + " after %d ms%n", takeover.toMillis(), interrupted, ended.status(), safe.toMillis());
    }

    @Test
    void fiftySimultaneousDeploysOfOneServiceAcrossBothProcessesRunExactlyOne() throws Exception {
        // given two Vitals processes on one database, started together
        VitalsProcess first = process("race", "");
        VitalsProcess second = first.alongside("race-second");
        processes.add(second);
        CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> {
            try {
                second.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        first.start();
        starting.join();
        assertThat(List.of(role(first), role(second))).containsExactlyInAnyOrder("active", "standby");
        DeployDriver driver = driver(first);

        // when 50 people send /deploy of one service at once, half to each process's console
        ConsoleClient[] consoles = {new ConsoleClient(first.port()), new ConsoleClient(second.port())};
        String before = consoles[0].say("alice", "deploys", "(deploying now)");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> posted = new ArrayList<>();
        try (ExecutorService people = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                ConsoleClient console = consoles[i % 2];
                posted.add(people.submit(() -> {
                    go.await();
                    return console.say("alice", "deploys", "/deploy backend v1.4 " + env);
                }));
            }
            go.countDown();
            for (Future<String> f : posted) {
                f.get();
            }
        }

        // then every command is answered: the standby's 25 with a refusal naming it, the active's 25 with one start
        List<String> replies = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            replies.clear();
            consoles[0].channel("deploys").stream()
                    .filter(m -> m.number() > Long.parseLong(before) && m.author().equals("vitals"))
                    .map(Msg::text)
                    .filter(t -> t.startsWith("Deployment D-") || t.startsWith("Cannot deploy")
                            || t.startsWith("This Vitals process is the standby"))
                    .forEach(replies::add);
            return replies.size() >= 50;
        });
        assertThat(replies).hasSize(50);
        assertThat(replies).filteredOn(t -> t.startsWith("This Vitals process is the standby (read-only)")).hasSize(25);
        assertThat(replies).filteredOn(t -> t.startsWith("Deployment D-")).hasSize(1);
        assertThat(replies).filteredOn(t -> t.startsWith("Cannot deploy backend v1.4 to " + env)).hasSize(24);

        // and exactly one deployment ever ran: every other one ended without a step
        List<DeploymentView> all = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            all.clear();
            all.addAll(deployments(consoles[0]));
            return all.stream().allMatch(d -> TERMINAL.contains(d.status()));
        });
        assertThat(all).filteredOn(d -> !d.steps().isEmpty()).hasSize(1)
                .allSatisfy(d -> assertThat(d.status()).isEqualTo("SUCCEEDED"));
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.4");
        assertThat(driver.serving("backend", env)).hasSize(1);
    }

    private VitalsProcess process(String name, String backendExtra) throws Exception {
        VitalsProcess p = new VitalsProcess(name, """
                environments:
                  %1$s: {network: vitals-%1$s}
                services:
                  backend:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 2s, retries: 2, gate-timeout: 20s}
                %2$susers:
                  alice: [deployer]
                policies: [{environment: %1$s, approvals: {}}]
                deploy: {verify-stable: 1s}
                local-images:
                  - {image: "vitals-demo/backend:v1.4"}
                  - {image: "vitals-demo/backend:v1.5"}
                """.formatted(env, backendExtra), Map.of("VITALS_SCHEDULER_INTERVAL", "1s",
                "VITALS_RECONCILE_INTERVAL", "1s"));
        processes.add(p);
        return p;
    }

    private List<DeploymentView> deployments(ConsoleClient console) {
        ConsoleClient.Response r = console.get("/api/deployments?service=backend&environment=" + env);
        assertThat(r.status()).isEqualTo(200);
        List<Map<String, Object>> found = console.read(r.body(), new TypeReference<List<Map<String, Object>>>() { });
        DeployDriver reader = new DeployDriver(console, runtime, CatalogLoader.load(processes.getFirst().catalog()));
        return found.stream().map(d -> reader.get((String) d.get("id"))).toList();
    }

    /** Lets the waiting snapshot hook of a deployment finish. */
    private void releaseHook(DeployDriver driver, String deploymentId) {
        var hook = await().atMost(Duration.ofSeconds(30)).until(() -> driver.all("backend", env).stream()
                .filter(c -> deploymentId.equals(c.labels().get(Labels.DEPLOYMENT))
                        && "hook".equals(c.labels().get(Labels.ROLE)) && c.running())
                .findFirst(), java.util.Optional::isPresent).orElseThrow();
        DockerCli.run("docker", "exec", hook.id(), "/bin/busybox", "touch", "/go");
    }

    /** The role the process reports in {@code /actuator/health}. */
    private static String role(VitalsProcess p) {
        ConsoleClient console = new ConsoleClient(p.port());
        Map<String, Object> health = console.read(console.get("/actuator/health").body(),
                new TypeReference<Map<String, Object>>() { });
        Map<?, ?> vitals = (Map<?, ?>) ((Map<?, ?>) health.get("components")).get("vitals");
        return (String) ((Map<?, ?>) vitals.get("details")).get("role");
    }

    private DeployDriver driver(VitalsProcess p) {
        Catalog catalog = CatalogLoader.load(p.catalog());
        DeployDriver driver = new DeployDriver(new ConsoleClient(p.port()), runtime, catalog);
        await().atMost(Duration.ofMinutes(1)).until(() -> catalog.localImages().stream()
                .allMatch(i -> runtime.image(catalog.environments().get(env).engine(), i.ref()).isPresent()));
        return driver;
    }
}
