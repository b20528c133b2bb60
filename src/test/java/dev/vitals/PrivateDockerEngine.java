package dev.vitals;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Docker engine of the test's own: a second dockerd with its own socket, data root, exec root and
 * pid file, a bridge of its own, no iptables rules and its own address pool, so a test can stop and start
 * it without touching the engine the other tests share. Containers on it reach each other only through
 * the engine (health checks run inside them), which is all a deploy needs.
 */
public final class PrivateDockerEngine implements AutoCloseable {
    private final Path dir;
    private final Path log;
    private final String bridge = "vb" + TestCatalog.RUN.substring(1);
    private Process dockerd;
    private int starts;
    private String docker0;

    public PrivateDockerEngine(String name) throws IOException {
        // short: the socket path must fit a unix socket address
        this.dir = Files.createDirectories(Path.of("/tmp", "vitals-" + TestCatalog.RUN + "-" + name));
        this.log = Path.of("target", "test-" + TestCatalog.RUN).toAbsolutePath().resolve(name + "-dockerd.log");
        Files.createDirectories(log.getParent());
    }

    public String endpoint() {
        return "unix://" + dir.resolve("docker.sock");
    }

    /** Starts dockerd and waits until it answers. */
    public void start() throws IOException {
        starts++;
        // A bridge of its own. A second dockerd removes docker0, the local engine's default bridge, at start
        // whatever it is told; what docker0 was is noted so it can be put back.
        if (docker0 == null) {
            docker0 = DockerCli.run("sh", "-c", "ip -4 -o addr show docker0 2>/dev/null | awk '{print $4}'").trim();
        }
        DockerCli.run("sh", "-c", "ip link show " + bridge + " >/dev/null 2>&1 || { ip link add name " + bridge
                + " type bridge && ip addr add 10.215.0.1/24 dev " + bridge + " && ip link set " + bridge + " up; }");
        dockerd = new ProcessBuilder("dockerd", "--host", endpoint(), "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(), "--pidfile", dir.resolve("docker.pid").toString(),
                "--bridge=" + bridge, "--iptables=false", "--ip-masq=false",
                "--default-address-pool", "base=10.214.0.0/16,size=24")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Process p = dockerd;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            if (!p.isAlive()) {
                fail("dockerd exited during start " + starts + "; see " + log);
            }
            return answers();
        });
    }

    /** Stops dockerd the way a service manager does (SIGTERM) and waits for it to exit. */
    public void stop() throws InterruptedException {
        if (dockerd != null && dockerd.isAlive()) {
            dockerd.destroy();
            dockerd.waitFor();
        }
    }

    private boolean answers() {
        try {
            DockerCli.run("docker", "-H", endpoint(), "version", "--format", "{{.Server.Version}}");
            return true;
        } catch (IllegalStateException notYet) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        if (dockerd != null && dockerd.isAlive()) {
            DockerCli.run("sh", "-c", "ids=$(docker -H " + endpoint() + " ps -aq); [ -z \"$ids\" ] || docker -H "
                    + endpoint() + " rm -f $ids >/dev/null; for n in $(docker -H " + endpoint()
                    + " network ls -q --filter type=custom); do docker -H " + endpoint() + " network rm $n >/dev/null; done;"
                    + " true");
        }
        stop();
        DockerCli.run("sh", "-c", "rm -rf " + dir + " 2>/dev/null; ip link delete " + bridge + " 2>/dev/null; true");
        if (docker0 != null && !docker0.isEmpty()) {
            DockerCli.run("sh", "-c", "ip link show docker0 >/dev/null 2>&1 || { ip link add name docker0 type bridge"
                    + " && ip addr add " + docker0 + " dev docker0 && ip link set docker0 up; }");
        }
    }
}
