package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.dashboard.DeploymentBoard;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Deployments, locks and what runs, as the dashboard shows them. What runs is what {@link EngineState}
 * last saw of each engine (no engine is asked while the page is made); an engine that does not answer
 * gets a line saying since when, under its last known services.
 */
@Component
class DeploymentBoardReader implements DeploymentBoard {
    private final Catalog catalog;
    private final EngineState state;
    private final DeploymentStore store;
    private final Clock clock;

    DeploymentBoardReader(Catalog catalog, EngineState state, DeploymentStore store, Clock clock) {
        this.catalog = catalog;
        this.state = state;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public List<LiveService> liveServices() {
        List<LiveService> out = new ArrayList<>();
        Instant now = clock.instant();
        for (Environment env : catalog.environments().values().stream().sorted(Comparator.comparing(Environment::name))
                .toList()) {
            EngineState.View view = state.view(env);
            List<LiveService> known = live(env, view.managed().stream()
                    .filter(c -> !c.labels().containsKey(Labels.ROLE)).toList());
            out.addAll(known);
            if (!view.unreachable() && !view.stale()) {
                continue;
            }
            // Only environments with something known or named in a deployment are worth a line about a silent engine.
            if (known.isEmpty() && store.search(null, env.name(), null, 1).isEmpty()) {
                continue;
            }
            String health = (view.unreachable() ? "engine unreachable since " + Ago.since(view.failingSince(), now)
                    : "engine not answering") + (view.neverSeen() ? "" : "; the lines above are as of "
                    + Ago.since(view.seenAt(), now));
            out.add(new LiveService(env.name(), "—", List.of(), health, 0, null, List.of()));
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
