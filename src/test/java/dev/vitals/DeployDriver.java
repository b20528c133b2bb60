package dev.vitals;

import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient.Msg;
import dev.vitals.catalog.Catalog;
import dev.vitals.deploy.ContainerRuntime;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.deploy.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.type.TypeReference;

/** Deploys through the console and reads the outcome from the HTTP API and the engine, as a person would. */
public final class DeployDriver {
    private static final Pattern ID = Pattern.compile("\\b(D-\\d+)\\b");
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "REJECTED", "CANCELLED",
            "EXPIRED");

    private final ConsoleClient console;
    private final ContainerRuntime runtime;
    private final Catalog catalog;

    public DeployDriver(ConsoleClient console, ContainerRuntime runtime, Catalog catalog) {
        this.console = console;
        this.runtime = runtime;
        this.catalog = catalog;
    }

    public record Step(String name, String status, Instant startedAt, Instant finishedAt, String detail) {
        public Duration took() {
            return Duration.between(startedAt, finishedAt);
        }
    }

    public record Approval(String user, String role, Instant at) {
    }

    public record DeploymentView(String id, String kind, String service, String environment, String version,
                                 String imageDigest, String risk, String strategy, String status, String requestedBy,
                                 String reason, String previousVersion, List<Approval> approvals, List<Step> steps,
                                 String threadId, String detail, Instant createdAt, Instant finishedAt) {
        public Step step(String name) {
            return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no step " + name + " in " + steps));
        }
    }

    /**
     * Types the command as the user and returns the deployment id from Vitals' reply to it (fails with the
     * reply); the id must be a deployment of the command's service (and version).
     */
    public String request(String user, String command) {
        String[] words = command.strip().split("\\s+");
        String service = words.length > 1 ? words[1] : "";
        String reply = console.answer(user, "deploys", command).text();
        String id = idIn(reply, command);
        DeploymentView named = get(id);
        boolean deploy = words[0].equals("/deploy") && words.length > 2;
        if (!named.service().equals(service) || (deploy && !named.version().equals(words[2]))
                || reply.contains("One deployment at a time")) {
            throw new AssertionError("the reply to " + command + " names " + id + " (" + named.service() + " "
                    + named.version() + "), not a deployment it made: " + reply);
        }
        return id;
    }

    /**
     * As {@link #request(String, String)} for a benchmark: the reply is looked for first after {@code poll} and
     * then every {@code poll}, and nothing else is asked, so that the harness adds no load while Vitals works;
     * the caller checks the deployment it names once it ended.
     */
    public String requestQuietly(String user, String command, Duration poll) {
        String id = console.say(user, "deploys", command);
        String reply = console.awaitMessageSeenBy(user, "deploys", Long.parseLong(id),
                m -> m.author().equals("vitals") && id.equals(m.replyTo()), poll).text();
        return idIn(reply, command);
    }

    private static String idIn(String reply, String command) {
        Matcher m = ID.matcher(reply);
        if (!m.find()) {
            throw new AssertionError("no deployment id in the reply to " + command + ": " + reply);
        }
        return m.group(1);
    }

    public DeploymentView get(String id) {
        ConsoleClient.Response r = console.get("/api/deployments/" + id);
        if (r.status() != 200) {
            throw new AssertionError("GET /api/deployments/" + id + " → " + r.status() + " " + r.body());
        }
        return console.read(r.body(), new TypeReference<DeploymentView>() { });
    }

    public DeploymentView awaitEnd(String id) {
        return awaitEnd(id, Duration.ofSeconds(90));
    }

    public DeploymentView awaitEnd(String id, Duration atMost) {
        return awaitEnd(id, atMost, Duration.ofMillis(200));
    }

    /** As {@link #awaitEnd(String, Duration)}, asking every {@code poll}: a benchmark asks rarely, to add no load. */
    public DeploymentView awaitEnd(String id, Duration atMost, Duration poll) {
        AtomicReference<DeploymentView> last = new AtomicReference<>();
        try {
            await().atMost(atMost).pollDelay(poll).pollInterval(poll).until(() -> {
                last.set(get(id));
                return TERMINAL.contains(last.get().status());
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            DeploymentView d = last.get();
            throw new AssertionError(id + " did not end within " + atMost + (d == null ? ""
                    : ": " + d.status() + ", steps " + d.steps()), e);
        }
        return last.get();
    }

    public DeploymentView awaitStep(String id, String step, String status) {
        AtomicReference<DeploymentView> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last.set(get(id));
            return last.get().steps().stream().anyMatch(s -> s.name().equals(step) && s.status().equals(status));
        });
        return last.get();
    }

    /** Deploys and waits for SUCCEEDED (fails with the deployment's detail otherwise). */
    public DeploymentView deployed(String user, String service, String version, String env) {
        return deployed(user, service, version, env, Duration.ofSeconds(90));
    }

    /** Deploys and waits up to {@code atMost} for SUCCEEDED (fails with the deployment's detail otherwise). */
    public DeploymentView deployed(String user, String service, String version, String env, Duration atMost) {
        DeploymentView d = awaitEnd(request(user, "/deploy " + service + " " + version + " " + env), atMost);
        if (!d.status().equals("SUCCEEDED")) {
            throw new AssertionError(d.id() + " ended " + d.status() + ": " + d.detail() + " steps " + d.steps());
        }
        return d;
    }

    /** The containers serving the service on the environment's network, as the engine shows them. */
    public List<ContainerInfo> serving(String service, String env) {
        Catalog.Environment e = catalog.environments().get(env);
        return all(service, env).stream().filter(c -> c.servesAs(e.network(), service)).toList();
    }

    public List<ContainerInfo> all(String service, String env) {
        Catalog.Environment e = catalog.environments().get(env);
        return runtime.containers(e.engine(), Map.of(Labels.MANAGED, "true", Labels.SERVICE, service,
                Labels.ENVIRONMENT, env));
    }

    public List<String> servingVersions(String service, String env) {
        return serving(service, env).stream().map(c -> c.labels().get(Labels.VERSION)).distinct().toList();
    }

    /** Every message in the deployment's thread, joined. */
    public String threadText(DeploymentView d) {
        return String.join("\n", console.thread(d.threadId()).stream().map(Msg::text).toList());
    }

    public void awaitThreadContains(DeploymentView d, String text) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(threadText(d)).contains(text));
    }
}
