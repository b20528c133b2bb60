package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.dashboard.DeploymentBoard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Deployments, locks and what runs, as the dashboard shows them. What runs is read with one question
 * per engine (every container Vitals made there), asked of all engines at once and waited for only
 * briefly, so one engine that does not answer slows the page by at most {@link #ENGINE_WAIT}.
 */
@Component
class DeploymentBoardReader implements DeploymentBoard {
    static final Duration ENGINE_WAIT = Duration.ofSeconds(5);

    private final Catalog catalog;
    private final ContainerRuntime runtime;
    private final DeploymentStore store;

    DeploymentBoardReader(Catalog catalog, ContainerRuntime runtime, DeploymentStore store) {
        this.catalog = catalog;
        this.runtime = runtime;
        this.store = store;
    }

    @Override
    public List<LiveService> liveServices() {
        Map<Object, List<Environment>> byEngine = new LinkedHashMap<>();
        catalog.environments().values().stream().sorted(Comparator.comparing(Environment::name))
                .forEach(e -> byEngine.computeIfAbsent(e.engine(), k -> new ArrayList<>()).add(e));
        List<LiveService> out = new ArrayList<>();
        // Not closed with try-with-resources: closing waits for every task, and a silent engine is not waited for.
        ExecutorService ask = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Map<Object, Future<List<ContainerInfo>>> answers = new LinkedHashMap<>();
            byEngine.forEach((engine, envs) -> answers.put(engine, ask.submit(() -> runtime.containers(
                    envs.getFirst().engine(), Map.of(Labels.MANAGED, "true")))));
            long deadline = System.nanoTime() + ENGINE_WAIT.toNanos();
            for (var entry : byEngine.entrySet()) {
                List<ContainerInfo> containers;
                try {
                    containers = answers.get(entry.getKey()).get(Math.max(0, deadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    answers.get(entry.getKey()).cancel(true);
                    // Only environments that were named in a deployment are worth a line about a silent engine.
                    for (Environment env : entry.getValue()) {
                        if (!store.search(null, env.name(), null, 1).isEmpty()) {
                            out.add(new LiveService(env.name(), "—", List.of(), "engine did not answer within "
                                    + ENGINE_WAIT.toSeconds() + " s", 0, null, List.of()));
                        }
                    }
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return out;
                }
                for (Environment env : entry.getValue()) {
                    out.addAll(live(env, containers.stream()
                            .filter(c -> env.name().equals(c.labels().get(Labels.ENVIRONMENT)))
                            .filter(c -> !c.labels().containsKey(Labels.ROLE)).toList()));
                }
            }
        } finally {
            ask.shutdownNow();
        }
        return out;
    }

    private List<LiveService> live(Environment env, List<ContainerInfo> containers) {
        Map<String, List<ContainerInfo>> byService = new java.util.TreeMap<>();
        containers.forEach(c -> byService.computeIfAbsent(Objects.requireNonNullElse(c.labels().get(Labels.SERVICE), "?"),
                k -> new ArrayList<>()).add(c));
        List<LiveService> out = new ArrayList<>();
        byService.forEach((service, all) -> {
            List<ContainerInfo> serving = all.stream().filter(c -> c.servesAs(env.network(), service)).toList();
            List<String> standby = all.stream().filter(c -> c.running() && !c.servesAs(env.network(), service))
                    .map(LiveVersions::versionOf).distinct().toList();
            if (serving.isEmpty() && standby.isEmpty()) {
                return;
            }
            long healthy = serving.stream().filter(c -> c.health() == ContainerRuntime.Health.HEALTHY).count();
            String health = serving.isEmpty() ? "nothing live"
                    : healthy == serving.size() ? "healthy"
                    : serving.size() == 1 ? serving.getFirst().health().name().toLowerCase()
                    : healthy + "/" + serving.size() + " healthy";
            out.add(new LiveService(env.name(), service, serving.stream().map(LiveVersions::versionOf).distinct().toList(),
                    health, serving.size(), serving.stream().map(ContainerInfo::startedAt).filter(Objects::nonNull)
                    .min(Comparator.naturalOrder()).orElse(null), standby));
        });
        return out;
    }

    @Override
    public List<DeploymentRow> recentDeployments(int limit) {
        return store.search(null, null, null, limit).stream()
                .map(d -> new DeploymentRow(d.id(), d.kind().name(), d.service(), d.environment(), d.version(),
                        d.status().name(), d.requestedBy(), d.createdAt(), d.finishedAt(), d.detail(),
                        store.steps(d.id()).stream().map(s -> new Step(s.seq(), s.name(), s.status().name(),
                                s.startedAt(), s.finishedAt(), s.detail())).toList()))
                .toList();
    }

    @Override
    public List<Lock> locks() {
        return Stream.concat(
                store.heldLocks().stream().map(l -> new Lock("deployment", l.service(), l.environment(), l.owner(),
                        null, l.since())),
                store.freezes().stream().map(f -> new Lock("freeze", f.service(), f.environment(), f.owner(),
                        f.reason(), f.since()))).toList();
    }
}
