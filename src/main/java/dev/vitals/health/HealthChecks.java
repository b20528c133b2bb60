package dev.vitals.health;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Hook;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.catalog.DurationText;
import dev.vitals.deploy.ContainerRuntime;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.deploy.ContainerRuntime.ContainerSpec;
import dev.vitals.deploy.ContainerRuntime.OneShotResult;
import dev.vitals.deploy.EngineUnavailableException;
import dev.vitals.deploy.Labels;
import dev.vitals.secrets.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The checks of a live service, run now: what the engine says of each container serving it (Docker's
 * HEALTHCHECK is the source of truth) and the service's smoke hook against the first of them.
 */
@Component
class HealthChecks {
    private final ContainerRuntime runtime;
    private final Catalog catalog;
    private final Clock clock;

    HealthChecks(ContainerRuntime runtime, Catalog catalog, Clock clock) {
        this.runtime = runtime;
        this.catalog = catalog;
        this.clock = clock;
    }

    /**
     * The outcome: {@code healthy} false when anything failed; {@code summary} one line, {@code details} one per
     * check; {@code more} what backs them up (the engine's last health check results per container, the smoke
     * hook's output), redacted, for a thread rather than a summary.
     */
    record Result(boolean healthy, String summary, List<String> details, List<String> versions, List<String> more) {
        Result {
            more = List.copyOf(more);
        }

        Result(boolean healthy, String summary, List<String> details, List<String> versions) {
            this(healthy, summary, details, versions, List.of());
        }
    }

    Result check(String serviceName, String environment) {
        Service service = catalog.services().get(serviceName);
        Environment env = catalog.environments().get(environment);
        List<ContainerInfo> live;
        try {
            live = runtime.containers(env.engine(), Map.of(Labels.MANAGED, "true", Labels.SERVICE, service.name(),
                            Labels.ENVIRONMENT, env.name())).stream()
                    .filter(c -> !c.labels().containsKey(Labels.ROLE))
                    .filter(c -> c.servesAs(env.network(), service.name()))
                    .sorted(Comparator.comparing(ContainerInfo::name)).toList();
        } catch (EngineUnavailableException e) {
            return new Result(false, "UNHEALTHY: the engine for " + env.name() + " does not answer: " + e.getMessage(), List.of(),
                    List.of());
        }
        if (live.isEmpty()) {
            return new Result(false, "UNHEALTHY: nothing serves " + service.name() + " in " + env.name(), List.of(), List.of());
        }
        List<String> details = new ArrayList<>();
        List<String> more = new ArrayList<>();
        boolean healthy = true;
        for (ContainerInfo c : live) {
            boolean ok = c.running() && (c.health() == ContainerRuntime.Health.HEALTHY
                    || c.health() == ContainerRuntime.Health.NONE);
            healthy &= ok;
            details.add((ok ? "✅ " : "❌ ") + c.name() + " (" + c.labels().getOrDefault(Labels.VERSION, "?") + "): "
                    + c.health().name().toLowerCase() + ", " + c.status());
            if (!c.healthChecks().isEmpty()) {
                more.add("Last health check results of " + c.name() + ":");
                c.healthChecks().forEach(line -> more.add("  " + Secrets.redact(line)));
            }
        }
        Optional<Hook> smoke = service.hooks().smoke();
        if (smoke.isPresent()) {
            OneShotResult r = smoke(smoke.get(), env, service, live.getFirst());
            boolean ok = r.succeeded();
            healthy &= ok;
            details.add((ok ? "✅ " : "❌ ") + "smoke hook: " + (r.timedOut() ? "did not finish within "
                    + DurationText.format(smoke.get().timeout()) : "exited " + r.exitCode())
                    + (ok || r.outputTail() == null ? "" : " — " + Secrets.redact(r.outputTail()).strip()
                    .replaceAll("\\s*\\n\\s*", " / ")));
            if (r.outputTail() != null && !r.outputTail().isBlank()) {
                more.add("Smoke hook output (last lines):");
                Secrets.redact(r.outputTail()).strip().lines().forEach(line -> more.add("  " + line));
            }
        }
        List<String> versions = live.stream().map(c -> c.labels().getOrDefault(Labels.VERSION, "?")).distinct().toList();
        String summary = (healthy ? "healthy" : "UNHEALTHY") + ": " + service.name() + " " + String.join(", ", versions)
                + " in " + env.name() + ", " + live.size() + " container" + (live.size() == 1 ? "" : "s")
                + (smoke.isPresent() ? " and the smoke hook" : "") + " checked";
        return new Result(healthy, summary, details, versions, more);
    }

    private OneShotResult smoke(Hook hook, Environment env, Service service, ContainerInfo target) {
        Map<String, String> vars = new LinkedHashMap<>(hook.env());
        vars.put("VITALS_SERVICE", service.name());
        vars.put("VITALS_ENVIRONMENT", env.name());
        vars.put("VITALS_VERSION", target.labels().getOrDefault(Labels.VERSION, ""));
        vars.put("VITALS_TARGET", target.name());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.SERVICE, service.name());
        labels.put(Labels.ENVIRONMENT, env.name());
        labels.put(Labels.VERSION, target.labels().getOrDefault(Labels.VERSION, ""));
        labels.put(Labels.ROLE, "hook");
        Instant now = clock.instant();
        ContainerSpec spec = new ContainerSpec(env.name() + "-" + service.name() + "-health-smoke-"
                + Long.toString(now.toEpochMilli(), 36), hook.image().isEmpty() ? target.imageId() : hook.image(),
                labels, vars, hook.command(), env.network(), List.of(), Optional.empty(), Map.of(), List.of(),
                service.resources());
        return runtime.runOnce(env.engine(), spec, hook.timeout().compareTo(Duration.ofMinutes(2)) > 0
                ? Duration.ofMinutes(2) : hook.timeout());
    }
}
