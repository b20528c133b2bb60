package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.chat.Caller;
import dev.vitals.chat.Command;
import dev.vitals.chat.CommandHandler;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Reply;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.leadership.Leadership;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/** {@code /status [env]}: each service's live version, health and since when, read from the engine. */
@Component
class StatusCommand implements CommandHandler<Command.Status> {
    private final Catalog catalog;
    private final ContainerRuntime runtime;
    private final LiveVersions live;
    private final Clock clock;
    private final Leadership leadership;

    StatusCommand(Catalog catalog, ContainerRuntime runtime, LiveVersions live, Clock clock, Leadership leadership) {
        this.catalog = catalog;
        this.runtime = runtime;
        this.live = live;
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
        StringBuilder out = new StringBuilder("**").append(env.name()).append("**");
        try {
            String version = runtime.ping(env.engine());
            out.append(" (Docker ").append(version).append(", network ").append(env.network()).append(")\n");
        } catch (EngineUnavailableException e) {
            return out.append(": engine unreachable. ").append(e.getMessage())
                    .append(" Nothing can be deployed here until it answers.\n").toString();
        }
        List<ContainerInfo> attached = live.attached(env);
        for (Service service : catalog.services().values()) {
            out.append("• ").append(service.name()).append(": ").append(describe(env, service)).append('\n');
            for (ContainerInfo holder : LiveVersions.unmanagedAliasHolders(attached, env, service)) {
                out.append("  ⚠️ an unmanaged container ").append(holder.name()).append(" also answers as ")
                        .append(service.name()).append(" on ").append(env.network()).append(": ")
                        .append(LiveVersions.removalAdvice(env, holder)).append('\n');
            }
        }
        return out.toString();
    }

    private String describe(Environment env, Service service) {
        List<ContainerInfo> serving = live.live(env, service);
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
