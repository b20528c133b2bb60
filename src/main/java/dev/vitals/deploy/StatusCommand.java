package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.catalog.DurationText;
import dev.vitals.chat.Caller;
import dev.vitals.chat.Command;
import dev.vitals.chat.CommandHandler;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Reply;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.leadership.Leadership;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code /status [env]}: each service's live version, health and since when, from the engine's state as
 * {@link EngineState} keeps it (no engine is asked while answering); an engine that does not answer, or whose
 * state is older than twice the refresh period, is said so, with its last known state.
 */
@Component
class StatusCommand implements CommandHandler<Command.Status> {
    private final Catalog catalog;
    private final EngineState state;
    private final Clock clock;
    private final Leadership leadership;

    StatusCommand(Catalog catalog, EngineState state, Clock clock, Leadership leadership) {
        this.catalog = catalog;
        this.state = state;
        this.clock = clock;
        this.leadership = leadership;
    }

    @Override
    public Class<Command.Status> type() {
        return Command.Status.class;
    }

    @Override
    public Reply handle(Command.Status command, Caller caller, Origin origin) {
        List<Environment> envs = command.environment()
                .map(e -> List.of(catalog.environments().get(e)))
                .orElseGet(() -> catalog.environments().values().stream()
                        .sorted((a, b) -> a.name().compareTo(b.name())).toList());
        StringBuilder out = new StringBuilder();
        for (Environment env : envs) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(environmentStatus(env));
        }
        out.append(leadership.isActive()
                ? "\nThis Vitals process is **active**: it runs deployments and timers."
                : "\nThis Vitals process is the **standby** (read-only): another process on the same database is"
                + " active; this one takes over within seconds if that one stops.");
        return Reply.text(out.toString().strip());
    }

    private String environmentStatus(Environment env) {
        EngineState.View view = state.view(env);
        Instant now = clock.instant();
        StringBuilder out = new StringBuilder("**").append(env.name()).append("**");
        if (view.unreachable()) {
            out.append(": engine unreachable");
            if (view.neverSeen()) {
                return out.append(". ").append(view.failure()).append(" Nothing can be deployed here until it answers.\n")
                        .toString();
            }
            out.append(" since ").append(Ago.since(view.failingSince(), now)).append(". ").append(view.failure())
                    .append(" Nothing can be deployed here until it answers. Last known state (Docker ")
                    .append(view.version()).append(", network ").append(env.network()).append("), from ")
                    .append(Ago.since(view.seenAt(), now)).append(":\n");
        } else if (view.neverSeen()) {
            return out.append(": the engine has not answered yet; Vitals asks it every ")
                    .append(DurationText.format(view.refresh())).append(".\n").toString();
        } else {
            out.append(" (Docker ").append(view.version()).append(", network ").append(env.network()).append(")");
            if (view.stale()) {
                out.append(": the engine has not answered since ").append(Ago.since(view.seenAt(), now))
                        .append("; what follows is the state of then");
            }
            out.append('\n');
        }
        // One pass over the listing, not one per service: a catalog of hundreds reads it in O(containers).
        Map<String, List<ContainerInfo>> byService = new HashMap<>();
        for (ContainerInfo c : view.managed()) {
            String service = c.labels().get(Labels.SERVICE);
            if (service != null) {
                byService.computeIfAbsent(service, k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, List<ContainerInfo>> answering = new HashMap<>();
        for (ContainerInfo c : view.attached()) {
            for (String alias : c.running() ? c.aliases().getOrDefault(env.network(), List.of()) : List.<String>of()) {
                answering.computeIfAbsent(alias, k -> new ArrayList<>()).add(c);
            }
        }
        for (Service service : catalog.services().values()) {
            List<ContainerInfo> ofService = byService.getOrDefault(service.name(), List.of());
            out.append("• ").append(service.name()).append(": ").append(describe(view, service, ofService))
                    .append('\n');
            for (ContainerInfo holder : LiveVersions.unmanagedAliasHolders(
                    answering.getOrDefault(service.name(), List.of()), env, service)) {
                out.append("  ⚠️ an unmanaged container ").append(holder.name()).append(" also answers as ")
                        .append(service.name()).append(" on ").append(env.network()).append(": ")
                        .append(LiveVersions.removalAdvice(env, holder)).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code ofService}: the environment's containers of Vitals labelled with this service, pages included. */
    private String describe(EngineState.View view, Service service, List<ContainerInfo> ofService) {
        List<ContainerInfo> serving = LiveVersions.live(view.env(), service,
                LiveVersions.managed(ofService, view.env(), service), () -> ofService);
        if (serving.isEmpty()) {
            return "nothing live yet";
        }
        String versions = String.join(", ", serving.stream().map(LiveVersions::versionOf).distinct().toList());
        long healthy = serving.stream().filter(c -> c.health() == ContainerRuntime.Health.HEALTHY).count();
        ContainerInfo oldest = serving.stream().min((a, b) -> a.startedAt().compareTo(b.startedAt())).orElseThrow();
        String health = healthy == serving.size() ? "healthy"
                : healthy + "/" + serving.size() + " healthy ("
                + String.join(", ", serving.stream().map(c -> c.health().name().toLowerCase()).toList()) + ")";
        return versions + ", " + health + ", " + serving.size() + (serving.size() == 1 ? " container" : " containers")
                + ", live since " + Ago.since(oldest.startedAt(), clock.instant());
    }
}
