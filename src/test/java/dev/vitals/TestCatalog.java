package dev.vitals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A catalog for one test JVM: the demo's services and people, and a pool of environments with names
 * unique to this run, so tests neither see each other's containers nor anything else on the engine.
 * Each test takes environments of its own from the pool.
 */
public final class TestCatalog {
    public static final String RUN = "t" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    static final int STAGING_POOL = 96;
    static final int PRODUCTION_POOL = 72;
    static final int GUARDED_POOL = 4;
    static final int PAGING_POOL = 4;
    /** The demo's checklist for high-risk production changes (seed 001's pre-deployment checklist). */
    public static final List<String> HIGH_RISK_CHECKLIST = List.of("backup-confirmed", "clinical-sign-off-filed",
            "stakeholders-notified", "rollback-plan-reviewed");
    /**
     * A secret of this run, in a file the catalog refers to as {@code ${file:secret.txt}}: the service
     * {@code leaky} has a snapshot hook that prints it ({@code set -x}) and fails.
     */
    public static final String SECRET = "pw-" + RUN + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private static final AtomicInteger nextStaging = new AtomicInteger();
    private static final AtomicInteger nextProduction = new AtomicInteger();
    private static final AtomicInteger nextGuarded = new AtomicInteger();
    private static final AtomicInteger nextPaging = new AtomicInteger();
    private static Path file;
    /** Environments handed out and not yet released: their containers and networks go when a test class ends. */
    private static final java.util.Set<String> handedOut = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private TestCatalog() {
    }

    /** The demo catalog ({@code deploy/demo/vitals.yml}) with its two environments renamed to these. */
    public static String demo(String staging, String production) throws java.io.IOException {
        return java.nio.file.Files.readString(java.nio.file.Path.of("deploy", "demo", "vitals.yml"))
                .replaceAll("\\bstaging\\b", staging).replaceAll("\\bproduction\\b", production);
    }

    /** An environment no other test uses, with no approval needed (like the demo's staging). */
    public static String stagingEnvironment() {
        int n = nextStaging.incrementAndGet();
        if (n > STAGING_POOL) {
            throw new IllegalStateException("raise TestCatalog.STAGING_POOL");
        }
        return handOut(RUN + "-s" + n);
    }

    /**
     * An environment no other test uses, with the demo's production policy: low/medium risk needs 1
     * approver; high risk 1 devops-lead + 1 clinical-approver, the checklist and a maintenance window.
     */
    public static String productionEnvironment() {
        int n = nextProduction.incrementAndGet();
        if (n > PRODUCTION_POOL) {
            throw new IllegalStateException("raise TestCatalog.PRODUCTION_POOL");
        }
        return handOut(RUN + "-p" + n);
    }

    /**
     * An environment no other test uses, with the demo's production policy and, in addition, sign-off
     * by 1 devops-lead for a rollback even within the rollback rule ({@code rollback: {approvals: …}}).
     */
    public static String guardedEnvironment() {
        int n = nextGuarded.incrementAndGet();
        if (n > GUARDED_POOL) {
            throw new IllegalStateException("raise TestCatalog.GUARDED_POOL");
        }
        return handOut(RUN + "-g" + n);
    }

    /**
     * An environment no other test uses, with the demo's production policy, where incidents open themselves
     * as in production ({@code incidents.open-on-failure}): a failed or rolled-back deployment opens a P1,
     * which then blocks deploys there. Only these environments page, so other tests' failures open nothing.
     */
    public static String pagingEnvironment() {
        int n = nextPaging.incrementAndGet();
        if (n > PAGING_POOL) {
            throw new IllegalStateException("raise TestCatalog.PAGING_POOL");
        }
        return handOut(RUN + "-i" + n);
    }

    private static String handOut(String env) {
        handedOut.add(env);
        return env;
    }

    /**
     * Removes the containers and networks of every environment handed out so far. A Docker engine holds
     * a limited number of network address pools, so a long suite gives them back class by class.
     */
    public static void releaseEnvironments() {
        for (String env : List.copyOf(handedOut)) {
            removeEnvironment(env);
            handedOut.remove(env);
        }
    }

    private static EngineProxy flaky;

    /** An environment whose Docker engine (the local one, through {@link #flakyEngine()}) a test can cut off. */
    public static String flakyEnvironment() {
        return RUN + "-flaky";
    }

    public static synchronized EngineProxy flakyEngine() {
        if (flaky == null) {
            flaky = new EngineProxy(Path.of("/var/run/docker.sock"));
        }
        return flaky;
    }

    /**
     * A paging environment (incidents open themselves) on the same engine as {@link #flakyEnvironment()},
     * the one a test can cut off: for what happens while Vitals cannot hear the engine.
     */
    public static String flakyPagingEnvironment() {
        return RUN + "-fi";
    }

    /** An environment whose Docker engine never answers. */
    public static String deadEnvironment() {
        return RUN + "-dead";
    }

    public static String network(String environment) {
        return "vitals-" + environment;
    }

    static List<String> allEnvironments() {
        return IntStream.rangeClosed(1, STAGING_POOL).mapToObj(i -> RUN + "-s" + i)
                .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> {
                    IntStream.rangeClosed(1, PRODUCTION_POOL).forEach(i -> l.add(RUN + "-p" + i));
                    IntStream.rangeClosed(1, GUARDED_POOL).forEach(i -> l.add(RUN + "-g" + i));
                    IntStream.rangeClosed(1, PAGING_POOL).forEach(i -> l.add(RUN + "-i" + i));
                    return l;
                }));
    }

    public static synchronized Path file() {
        if (file != null) {
            return file;
        }
        StringBuilder y = new StringBuilder("environments:\n");
        for (String env : allEnvironments()) {
            y.append("  ").append(env).append(": {network: ").append(network(env))
                    .append(env.startsWith(RUN + "-g") ? ", rollback: {approvals: {devops-lead: 1}}" : "").append("}\n");
        }
        y.append("  ").append(flakyEnvironment()).append(": {network: ").append(network(flakyEnvironment()))
                .append(", engine: \"").append(flakyEngine().endpoint()).append("\"}\n");
        y.append("  ").append(flakyPagingEnvironment()).append(": {network: ").append(network(flakyPagingEnvironment()))
                .append(", engine: \"").append(flakyEngine().endpoint()).append("\"}\n");
        y.append("  ").append(deadEnvironment()).append(": {network: ").append(network(deadEnvironment()))
                .append(", engine: \"unix:///nonexistent/docker.sock\"}\n");
        y.append("""
                services:
                  backend:
                    image: vitals-demo/backend
                    strategy: blue-green
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 30s}
                  frontend:
                    image: vitals-demo/frontend
                    strategy: rolling
                    replicas: 2
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 30s}
                  steady:
                    image: vitals-demo/backend
                    health: {interval: 2s, timeout: 10s, retries: 5, gate-timeout: 60s}
                  legacy:
                    image: vitals-demo/backend
                    strategy: recreate
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 30s}
                  paged:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 30s}
                    maintenance-page: {image: "vitals-demo/maintenance-page:v1", port: 8080}
                  hooked:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 30s}
                    hooks:
                      migration: {command: [sh, -c, "echo applying migration for $VITALS_VERSION; [ $VITALS_VERSION != v1.5 ] || { echo relation exists >&2; exit 1; }"], timeout: 30s}
                  smoked:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 30s}
                    hooks:
                      snapshot: {command: [sh, -c, "echo snapshot of $VITALS_SERVICE taken"], timeout: 30s}
                      smoke: {command: [sh, -c, "wget -q -O- http://$VITALS_TARGET:8080/version"], timeout: 30s}
                  stuck:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 30s}
                    hooks:
                      snapshot: {command: [sh, -c, "[ $VITALS_VERSION != v1.5 ] || sleep 60"], timeout: 2s}
                  limited:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 30s}
                    resources: {memory: 96m, cpus: 0.5, pids: 64}
                    hooks:
                      snapshot: {command: [sh, -c, "grep NoNewPrivs /proc/self/status; grep -q 'NoNewPrivs:.1' /proc/self/status && [ $(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max) = 64 ]"], timeout: 30s}
                  leaky:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 30s}
                    hooks:
                      snapshot:
                        command: [sh, -c, "for i in $(seq 1 30); do echo preparing step $i; done; exec 2>&1; set -x; echo connecting with $DB_PASSWORD; exit 1"]
                        env: {DB_PASSWORD: "${file:secret.txt}"}
                        timeout: 30s
                users:
                  alice: [deployer]
                  bob: [deployer, approver, devops-lead, maintainer]
                  carol: [clinical-approver]
                  dave: [viewer]
                  erin: [incident-commander, admin]
                  frank: [devops-lead, clinical-approver]
                policies:
                """);
        for (String env : allEnvironments().stream().filter(e -> e.startsWith(RUN + "-s")).toList()) {
            y.append("  - {environment: ").append(env).append(", approvals: {}}\n");
        }
        for (String env : List.of(flakyEnvironment(), flakyPagingEnvironment(), deadEnvironment())) {
            y.append("  - {environment: ").append(env).append(", approvals: {}}\n");
        }
        for (String env : allEnvironments().stream().filter(e -> !e.startsWith(RUN + "-s")).toList()) {
            y.append("  - {environment: ").append(env).append(", risk: [low, medium], approvals: {approver: 1}}\n");
            y.append("  - {environment: ").append(env).append(", risk: high, approvals: {devops-lead: 1,"
                    + " clinical-approver: 1}, maintenance-window: true, checklist: [" + String.join(", ", HIGH_RISK_CHECKLIST)
                    + "]}\n");
        }
        // Incidents open themselves (a failed deployment, a failing watch) only in the paging environments.
        y.append("incidents:\n  open-on-failure: [").append(String.join(", ", java.util.stream.Stream.concat(
                allEnvironments().stream().filter(e -> e.startsWith(RUN + "-i")),
                java.util.stream.Stream.of(flakyPagingEnvironment())).toList())).append("]\n");
        y.append("""
                deploy: {verify-stable: 1s, hot-standby: 15m, keep-stopped: 2}
                maintenance: {reminders: [1d, 30m], ending-soon: 10m, max-duration: 12h}
                local-images:
                  - {image: "vitals-demo/backend:v1.3"}
                  - {image: "vitals-demo/backend:v1.4"}
                  - {image: "vitals-demo/backend:v1.5"}
                  - {image: "vitals-demo/backend:v1.6-broken", healthy: false}
                  - {image: "vitals-demo/frontend:v2.0"}
                  - {image: "vitals-demo/frontend:v2.1"}
                  - {image: "vitals-demo/maintenance-page:v1", kind: maintenance-page}
                """);
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-" + RUN));
            Files.writeString(dir.resolve("secret.txt"), SECRET + "\n");
            file = dir.resolve("vitals.yml");
            Files.writeString(file, y.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(TestCatalog::removeFromEngine));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes every container and network of this run's environments still in use (only those). */
    static void removeFromEngine() {
        releaseEnvironments();
        removeEnvironment(flakyEnvironment());
        removeEnvironment(flakyPagingEnvironment());
    }

    /** Removes the containers and the network of one environment (only those). */
    public static void removeEnvironment(String env) {
        DockerCli.run("sh", "-c", "ids=$(docker ps -aq --filter label=vitals.environment=" + env
                + "); [ -z \"$ids\" ] || docker rm -f $ids >/dev/null; docker network rm " + network(env)
                + " >/dev/null 2>&1; true");
    }
}
