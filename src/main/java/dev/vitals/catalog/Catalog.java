package dev.vitals.catalog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything Vitals knows about a team's estate, loaded once from {@code vitals.yml} and validated:
 * environments, services, people and their roles, policies and defaults.
 */
public record Catalog(
        Path source,
        Map<String, Environment> environments,
        Map<String, Service> services,
        Map<String, User> users,
        Map<String, RoleMapping> roles,
        List<Policy> policies,
        Defaults defaults,
        DeploySettings deploy,
        MaintenanceSettings maintenance,
        List<WatchPhase> monitoring,
        List<LocalImage> localImages,
        IncidentSettings incidents) {

    public Catalog(Path source, Map<String, Environment> environments, Map<String, Service> services,
                   Map<String, User> users, Map<String, RoleMapping> roles, List<Policy> policies, Defaults defaults,
                   DeploySettings deploy, MaintenanceSettings maintenance, List<WatchPhase> monitoring,
                   List<LocalImage> localImages) {
        this(source, environments, services, users, roles, policies, defaults, deploy, maintenance, monitoring,
                localImages, IncidentSettings.DEFAULTS);
    }

    public Optional<Environment> environment(String name) {
        return Optional.ofNullable(environments.get(name));
    }

    public Optional<Service> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    public Optional<User> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** The environment a command means when it names none: staging if there is one, else the first. */
    public Environment defaultEnvironment() {
        return environments.containsKey("staging")
                ? environments.get("staging")
                : environments.values().iterator().next();
    }

    /**
     * The policy for an environment and risk. The loader refuses a catalog where any environment × risk
     * has none or more than one, so there is always exactly one: policy fails closed.
     */
    public Policy policy(String environment, Risk risk) {
        return policies.stream()
                .filter(p -> p.environment().equals(environment) && p.risks().contains(risk))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no policy for " + environment + " × " + risk.word()));
    }

    /**
     * The sign-off a rollback within the rollback rule needs in an environment (back to a version that
     * SUCCEEDED there, by the same digest): its {@code rollback: {approvals: …}}, by default none.
     */
    public Policy rollbackPolicy(String environment) {
        Environment env = environments.get(environment);
        return new Policy(environment, Set.of(), env == null ? Map.of() : env.rollbackApprovals(), false, List.of());
    }

    /**
     * The lowest risk a deploy of the service to the environment may declare, and why: the higher of
     * the environment's and the service's {@code min-risk}; a service with a migration hook is high
     * unless it sets its own (seed 000: schema changes are high-risk). {@code why} is null with no floor.
     */
    public RiskFloor riskFloor(String service, String environment) {
        List<RiskFloor> floors = new java.util.ArrayList<>();
        Environment env = environments.get(environment);
        if (env != null) {
            env.minRisk().ifPresent(r -> floors.add(new RiskFloor(r, environment + " sets min-risk: " + r.word())));
        }
        Service s = services.get(service);
        if (s != null && s.minRisk().isPresent()) {
            floors.add(new RiskFloor(s.minRisk().get(), service + " sets min-risk: " + s.minRisk().get().word()));
        } else if (s != null && s.hooks().migration().isPresent()) {
            floors.add(new RiskFloor(Risk.HIGH, service + " has a migration hook, and schema changes are high-risk"
                    + " (set min-risk on the service to say otherwise)"));
        }
        Risk top = floors.stream().map(RiskFloor::risk).max(Risk::compareTo).orElse(Risk.LOW);
        List<String> why = floors.stream().filter(f -> f.risk() == top).map(RiskFloor::why).toList();
        return new RiskFloor(top, why.isEmpty() ? null : String.join("; ", why));
    }

    /** A minimum risk and the catalog's reason for it (null when there is no floor beyond low). */
    public record RiskFloor(Risk risk, String why) {
    }

    /**
     * An environment. {@code minRisk}: the lowest risk a deploy there may declare; {@code rollbackApprovals}:
     * the sign-off a rollback within the rollback rule needs there (empty: none).
     */
    public record Environment(String name, EngineEndpoint engine, String network, Channels channels,
                              Optional<Risk> minRisk, Map<String, Integer> rollbackApprovals) {
        public Environment(String name, EngineEndpoint engine, String network, Channels channels) {
            this(name, engine, network, channels, Optional.empty(), Map.of());
        }
    }

    /**
     * A Docker engine: {@code unix:///var/run/docker.sock} or {@code tcp://host:2376}; API version unset =
     * the engine's. {@code tls} present = the engine is reached over mutual TLS with those certificates.
     */
    public record EngineEndpoint(String host, Optional<String> apiVersion, Optional<EngineTls> tls) {
        public EngineEndpoint(String host, Optional<String> apiVersion) {
            this(host, apiVersion, Optional.empty());
        }
    }

    /** PEM files for a TLS engine: the CA that signed the engine's certificate, and Vitals' client pair. */
    public record EngineTls(Path ca, Path cert, Path key) {
    }

    /**
     * Limits on every container Vitals creates for a service (its replicas and its hooks): memory in
     * bytes, {@code cpus} in cores (0.5 = half a core), {@code pids} the most processes at once.
     */
    public record Resources(long memoryBytes, double cpus, int pids) {
        /** What a container gets when the catalog says nothing: enough for a small web service, no more. */
        public static final Resources SAFE_DEFAULTS = new Resources(512L * 1024 * 1024, 1.0, 256);
    }

    /** {@code audit}: where the audit log's anchors are posted; the environment's deploys channel unless set. */
    public record Channels(String deploys, String announcements, String incidents, String audit) {
        public Channels(String deploys, String announcements, String incidents) {
            this(deploys, announcements, incidents, deploys);
        }
    }

    public record Service(
            String name,
            String image,
            Strategy strategy,
            int replicas,
            int port,
            Health health,
            Map<String, String> env,
            List<String> volumes,
            Map<String, String> labels,
            Hooks hooks,
            int deployOrder,
            Resources resources,
            Optional<Risk> minRisk,
            Optional<MaintenancePage> maintenancePage) {

        public String imageRef(String version) {
            return image + ":" + version;
        }
    }

    /**
     * Maintenance mode for a service: during a maintenance window its alias moves to a container of
     * {@code image}, which answers on {@code port} (the service's port, so clients reach it by the same name).
     */
    public record MaintenancePage(String image, int port) {
    }

    /**
     * Health gate settings. {@code command} empty = the image's own HEALTHCHECK; {@code gateTimeout} is
     * how long a pipeline waits for a new container to become healthy.
     */
    public record Health(List<String> command, Duration interval, Duration timeout, int retries,
                         Duration startPeriod, Duration gateTimeout) {
    }

    /** A one-shot container that must exit 0. An empty image means the version being deployed. */
    public record Hook(String image, List<String> command, Map<String, String> env, Duration timeout) {
    }

    public record Hooks(Optional<Hook> snapshot, Optional<Hook> migration, Optional<Hook> smoke) {
    }

    public record User(String name, Set<String> roles) {
    }

    /** Which chat-platform roles (Discord role ids or names) carry a bot role. */
    public record RoleMapping(String role, List<String> discordRoles) {
    }

    public record Policy(String environment, Set<Risk> risks, Map<String, Integer> approvals,
                         boolean maintenanceWindow, List<String> checklist) {
        public boolean needsApproval() {
            return approvals.values().stream().anyMatch(n -> n > 0);
        }
    }

    public record Defaults(Risk risk, Duration approvalExpiry, Duration requestExpiry) {
    }

    /**
     * Pipeline settings: {@code verifyStable} after the switch, {@code hotStandby} how long the old
     * version keeps running off the traffic path, {@code keepStopped} how many old containers are kept.
     */
    public record DeploySettings(Duration verifyStable, Duration hotStandby, int keepStopped, Duration stepTimeout) {
    }

    /**
     * Maintenance windows: {@code reminders} before a window starts (each a notice), {@code endingSoon} the
     * notice before its end, {@code maxDuration} the longest window (and extension) anyone may open.
     */
    public record MaintenanceSettings(List<Duration> reminders, Duration endingSoon, Duration maxDuration) {
    }

    /**
     * Incidents: {@code onCall} the bot role an opened incident pings (the one mention Vitals makes on
     * purpose); {@code targets} how soon each severity must be acknowledged (seed 004); {@code escalation}
     * the chain of bot roles a missed target escalates along (from the step after {@code onCall});
     * {@code updates} how often an open incident of a severity asks its thread for an update;
     * {@code openOnFailure} the environments where a failed or rolled-back deployment opens a P1;
     * {@code alertSeverityLabel} and {@code alertSeverities} map an Alertmanager label's value to a
     * severity ({@code alertDefault} when the label is absent or unmapped).
     */
    public record IncidentSettings(String onCall, Map<Severity, Duration> targets, List<String> escalation,
                                   Map<Severity, Duration> updates, Set<String> openOnFailure,
                                   String alertSeverityLabel, Map<String, Severity> alertSeverities,
                                   Severity alertDefault) {
        public static final IncidentSettings DEFAULTS = new IncidentSettings("on-call",
                Map.of(Severity.P0, Duration.ofMinutes(15), Severity.P1, Duration.ofHours(1),
                        Severity.P2, Duration.ofHours(4), Severity.P3, Duration.ofHours(24)),
                List.of("on-call", "incident-commander", "admin"),
                Map.of(Severity.P0, Duration.ofMinutes(30), Severity.P1, Duration.ofMinutes(30),
                        Severity.P2, Duration.ofHours(4)),
                Set.of("production"), "severity",
                Map.of("critical", Severity.P1, "warning", Severity.P2, "info", Severity.P3), Severity.P2);

        public Duration target(Severity s) {
            return targets.getOrDefault(s, DEFAULTS.targets.get(s));
        }

        public java.util.Optional<Duration> update(Severity s) {
            return java.util.Optional.ofNullable(updates.get(s));
        }

        /** The role after {@code role} in the escalation chain, if any. */
        public java.util.Optional<String> after(String role) {
            int i = escalation.indexOf(role);
            return i >= 0 && i + 1 < escalation.size() ? java.util.Optional.of(escalation.get(i + 1))
                    : java.util.Optional.empty();
        }
    }

    /** Post-deploy watch: until {@code until} after the deploy, probe every {@code every}. */
    public record WatchPhase(Duration until, Duration every) {
    }

    /**
     * An image the project builds itself when missing (there may be no registry to pull from):
     * {@code image} is the repository, {@code version} the tag (and what its {@code /version} answers).
     * A {@code maintenancePage} image instead answers every path with a short HTML page and HTTP 503.
     */
    public record LocalImage(String image, String version, boolean healthy, boolean maintenancePage) {
        /** A tiny web service image. */
        public LocalImage(String image, String version, boolean healthy) {
            this(image, version, healthy, false);
        }

        public String ref() {
            return image + ":" + version;
        }
    }
}
