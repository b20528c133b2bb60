package dev.vitals;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Vitals as a separate JVM, the way it runs for real, on a PostgreSQL that outlives it (so it can be
 * killed and started again) and a catalog of the test's own; or, from {@link #withEmbeddedDatabase},
 * on the embedded PostgreSQL it starts itself in its VITALS_HOME, as {@code deploy/local/demo.sh} runs it.
 */
public final class VitalsProcess implements AutoCloseable {
    private final Path dir;
    private final Path catalog;
    private EmbeddedPostgres postgres;
    private final int postgresPort;
    /** False for a process {@link #alongside} another: the first one's PostgreSQL is not its to stop. */
    private final boolean ownsPostgres;
    private final int port;
    private final Map<String, String> settings;
    /** The java options and what to run; by default the test class path with the application class. */
    private List<String> launch = List.of("-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
            "dev.vitals.VitalsApplication");
    private Process process;
    private int starts;

    public VitalsProcess(String name, String catalogYaml, Map<String, String> settings) throws IOException {
        this(name, catalogYaml, settings, false);
    }

    public static VitalsProcess withEmbeddedDatabase(String name, String catalogYaml, Map<String, String> settings)
            throws IOException {
        return new VitalsProcess(name, catalogYaml, settings, true);
    }

    private VitalsProcess(String name, String catalogYaml, Map<String, String> settings, boolean embedded)
            throws IOException {
        this.dir = Files.createDirectories(Path.of("target", "test-" + TestCatalog.RUN, name).toAbsolutePath());
        this.catalog = dir.resolve("vitals.yml");
        Files.writeString(catalog, catalogYaml);
        this.postgresPort = freePort();
        this.postgres = embedded ? null : startPostgres();
        this.ownsPostgres = true;
        this.port = freePort();
        this.settings = Map.copyOf(settings);
    }

    private VitalsProcess(Path dir, VitalsProcess first) {
        this.dir = dir;
        this.catalog = first.catalog;
        this.postgres = first.postgres;
        this.postgresPort = first.postgresPort;
        this.ownsPostgres = false;
        this.port = freePort();
        this.settings = first.settings;
    }

    /**
     * Vitals started from the packaged jar exactly as {@code deploy/local/demo.sh} starts it (the options
     * {@link PackagedJar#demoOptions()} prints), on its own embedded database.
     */
    public static VitalsProcess packaged(String name, String catalogYaml, Map<String, String> settings)
            throws IOException, InterruptedException {
        VitalsProcess p = new VitalsProcess(name, catalogYaml, settings, true);
        p.launch = PackagedJar.demoOptions();
        return p;
    }

    /** The java command line (after {@code java}) this process starts with. */
    public List<String> launch() {
        return launch;
    }

    /**
     * A second Vitals on this one's database and catalog, with a port and a VITALS_HOME of its own: the
     * pair an active/standby deployment runs. Close it before this one.
     */
    public VitalsProcess alongside(String name) throws IOException {
        if (postgres == null) {
            throw new IllegalStateException("a Vitals with its own embedded database cannot share it");
        }
        return new VitalsProcess(Files.createDirectories(dir.resolveSibling(name)), this);
    }

    /** Its PostgreSQL on a fixed port and data directory, so it can be stopped and started again. */
    private EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder().setOverrideWorkingDirectory(dir.resolve("pg").toFile())
                .setDataDirectory(dir.resolve("pg-data")).setCleanDataDirectory(false).setPort(postgresPort).start();
    }

    /** Stops its PostgreSQL (a clean shutdown, as an operator or a failover does); Vitals keeps running. */
    public void stopDatabase() throws IOException {
        requireOwnPostgres();
        postgres.close();
    }

    /** Starts its PostgreSQL again on the same port with the same data. */
    public void startDatabase() throws IOException {
        requireOwnPostgres();
        postgres = startPostgres();
    }

    private void requireOwnPostgres() {
        if (postgres == null || !ownsPostgres) {
            throw new IllegalStateException("only a Vitals started on a PostgreSQL of the test's own can lose it");
        }
    }

    /** Ports handed out in this JVM: the kernel may offer a port just closed again, e.g. for PostgreSQL and Vitals. */
    private static final java.util.Set<Integer> handedOut = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static int freePort() {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (handedOut.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    public int port() {
        return port;
    }

    public Path catalog() {
        return catalog;
    }

    /** Its VITALS_HOME. */
    public Path home() {
        return dir.resolve("home");
    }

    /** The output of the latest start. */
    public Path log() {
        return dir.resolve("vitals-" + starts + ".log");
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** SIGTERM, as a service manager or Ctrl-C stops it, and waits until it has exited. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** Starts Vitals and waits until it reports healthy. */
    public void start() throws IOException {
        start(Map.of());
    }

    /** Starts Vitals with these settings added for this start only, and waits until it reports healthy. */
    public void start(Map<String, String> extraSettings) throws IOException {
        starts++;
        Path log = dir.resolve("vitals-" + starts + ".log");
        ProcessBuilder pb = builder(log);
        pb.environment().putAll(extraSettings);
        Process p = pb.start();
        process = p;
        ConsoleClient probe = new ConsoleClient(port);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
            if (!p.isAlive()) {
                fail("Vitals exited during start; see " + log);
            }
            try {
                return probe.get("/actuator/health").status() == 200;
            } catch (IllegalStateException notYet) {
                return false;
            }
        });
    }

    private ProcessBuilder builder(Path log) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(launch);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("VITALS_PORT", Integer.toString(port));
        env.put("VITALS_CATALOG", catalog.toString());
        if (postgres != null) {
            env.put("VITALS_DATABASE_URL", postgres.getJdbcUrl("postgres", "postgres"));
            env.put("SPRING_DATASOURCE_USERNAME", "postgres");
        }
        env.put("VITALS_HOME", home().toString());
        env.putAll(settings);
        return pb;
    }

    /** Starts Vitals expecting it to refuse to start; returns its output once it has exited. */
    public String startExpectingRefusal() throws IOException, InterruptedException {
        return startExpectingRefusal(Map.of());
    }

    /** Starts Vitals with these settings added for this start only, expecting it to refuse; returns its output. */
    public String startExpectingRefusal(Map<String, String> extraSettings) throws IOException, InterruptedException {
        starts++;
        Path log = dir.resolve("vitals-" + starts + ".log");
        ProcessBuilder pb = builder(log);
        pb.environment().putAll(extraSettings);
        Process p = pb.start();
        process = p;
        if (!p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
            fail("Vitals was expected to refuse to start but still runs; see " + log);
        }
        return Files.readString(log);
    }

    /** SIGKILL: no shutdown hook, no clean-up, exactly like a crash. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** A Vitals with its own embedded database is stopped normally; otherwise killed. */
    @Override
    public void close() throws IOException {
        try {
            if (postgres == null && process != null && process.isAlive()) {
                stop();
            }
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (postgres != null && ownsPostgres) {
            postgres.close();
        }
    }
}
