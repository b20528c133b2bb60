package dev.vitals.catalog;

import dev.vitals.catalog.Catalog.Channels;
import dev.vitals.catalog.Catalog.DeploySettings;
import dev.vitals.catalog.Catalog.Defaults;
import dev.vitals.catalog.Catalog.EngineEndpoint;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Health;
import dev.vitals.catalog.Catalog.Hook;
import dev.vitals.catalog.Catalog.Hooks;
import dev.vitals.catalog.Catalog.LocalImage;
import dev.vitals.catalog.Catalog.MaintenancePage;
import dev.vitals.catalog.Catalog.MaintenanceSettings;
import dev.vitals.catalog.Catalog.Policy;
import dev.vitals.catalog.Catalog.Resources;
import dev.vitals.catalog.Catalog.RoleMapping;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.catalog.Catalog.User;
import dev.vitals.catalog.Catalog.WatchPhase;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/** Reads and validates {@code vitals.yml}. Every rule failure names the file, the path and the fix. */
public final class CatalogLoader {

    /** The bot roles Vitals knows; catalogs may add their own. */
    public static final List<String> BUILT_IN_ROLES = List.of(
            "viewer", "deployer", "approver", "devops-lead", "clinical-approver", "compliance",
            "incident-commander", "on-call", "auditor", "maintainer", "admin");

    private CatalogLoader() {
    }

    public static Catalog load(Path file) {
        Object raw;
        try (Reader reader = Files.newBufferedReader(file)) {
            // YAML 1.2 core schema, composed to nodes only: scalars keep their text (see YamlNode.Scalar).
            LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setSchema(new CoreSchema())
                    .setAllowDuplicateKeys(false).setMaxAliasesForCollections(50).build();
            raw = new Compose(settings).composeReader(reader).map(node -> YamlNode.tree(file, node)).orElse(null);
        } catch (NoSuchFileException e) {
            throw new CatalogException(file + ": file not found. Set VITALS_CATALOG to the path of your vitals.yml"
                    + " (the demo catalog is deploy/demo/vitals.yml).");
        } catch (MarkedYamlEngineException e) {
            throw new CatalogException(file + ": line " + e.getProblemMark().map(m -> m.getLine() + 1).orElse(0)
                    + ": not valid YAML: " + e.getProblem());
        } catch (CatalogException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CatalogException(file + ": cannot be read: " + e.getMessage());
        }
        return parse(new YamlNode(file, "", raw));
    }

    static Catalog parse(YamlNode root) {
        if (root.isMissing()) {
            throw root.error("the catalog is empty; it needs at least 'environments' and 'services'");
        }
        root.map(Set.of("environments", "services", "users", "roles", "policies",
                "defaults", "deploy", "maintenance", "monitoring", "local-images", "incidents"));

        Set<String> roleNames = new LinkedHashSet<>(BUILT_IN_ROLES);
        Map<String, RoleMapping> roles = new LinkedHashMap<>();
        root.get("roles").map().forEach((name, node) -> {
            checkName(node, name, "role");
            roleNames.add(name);
            Map<String, YamlNode> r = node.map(Set.of("discord"));
            roles.put(name, new RoleMapping(name, r.containsKey("discord") ? r.get("discord").strings() : List.of()));
        });

        Map<String, Environment> environments = new LinkedHashMap<>();
        YamlNode envs = root.get("environments");
        if (envs.map().isEmpty()) {
            throw envs.error("at least one environment is required, e.g. staging: {network: vitals-staging}");
        }
        envs.map().forEach((name, node) -> environments.put(checkName(node, name, "environment"), environment(name, node, roleNames)));

        Resources defaultResources = ResourceLimits.read(root.get("defaults").get("resources"), Resources.SAFE_DEFAULTS);
        Map<String, Service> services = new LinkedHashMap<>();
        YamlNode svcs = root.get("services");
        if (svcs.map().isEmpty()) {
            throw svcs.error("at least one service is required, e.g. backend: {image: registry/backend}");
        }
        svcs.map().forEach((name, node) -> services.put(checkName(node, name, "service"),
                service(name, node, defaultResources)));

        Map<String, User> users = new TreeMap<>();
        root.get("users").map().forEach((name, node) -> {
            checkName(node, name, "user");
            Set<String> userRoles = new LinkedHashSet<>();
            userRoles.add("viewer");
            for (YamlNode roleNode : node.list()) {
                userRoles.add(knownRole(roleNode, roleNames));
            }
            users.put(name, new User(name, Set.copyOf(userRoles)));
        });

        Defaults defaults = defaults(root.get("defaults"));
        List<Policy> policies = new ArrayList<>();
        for (YamlNode p : root.get("policies").list()) {
            policies.add(policy(p, environments.keySet(), roleNames));
        }
        requireOnePolicyEach(root.get("policies"), environments.keySet(), policies);

        YamlNode deployNode = root.get("deploy");
        deployNode.map(Set.of("verify-stable", "hot-standby", "keep-stopped", "step-timeout"));
        DeploySettings deploy = new DeploySettings(
                deployNode.get("verify-stable").duration(Duration.ofSeconds(10)),
                deployNode.get("hot-standby").duration(Duration.ofMinutes(15)),
                deployNode.get("keep-stopped").integer(3, 0, 100),
                deployNode.get("step-timeout").duration(Duration.ofMinutes(5)));

        YamlNode mNode = root.get("maintenance");
        mNode.map(Set.of("reminders", "ending-soon", "max-duration"));
        List<Duration> reminders = mNode.get("reminders").isMissing()
                ? List.of(Duration.ofMinutes(30))
                : mNode.get("reminders").list().stream().map(n -> positive(n, null)).distinct()
                        .sorted(java.util.Comparator.reverseOrder()).toList();
        MaintenanceSettings maintenance = new MaintenanceSettings(reminders,
                positive(mNode.get("ending-soon"), Duration.ofMinutes(10)),
                positive(mNode.get("max-duration"), Duration.ofHours(12)));

        List<WatchPhase> monitoring = root.get("monitoring").isMissing()
                ? List.of(new WatchPhase(Duration.ofHours(4), Duration.ofMinutes(30)),
                        new WatchPhase(Duration.ofHours(12), Duration.ofHours(1)),
                        new WatchPhase(Duration.ofHours(24), Duration.ofHours(4)))
                : root.get("monitoring").list().stream().map(CatalogLoader::watchPhase).toList();

        List<LocalImage> localImages = new ArrayList<>();
        for (YamlNode n : root.get("local-images").list()) {
            n.map(Set.of("image", "healthy", "kind"));
            String image = n.get("image").string();
            int colon = image.lastIndexOf(':');
            if (colon < 0 || !Names.REPOSITORY.matcher(image.substring(0, colon)).matches()
                    || !Names.isTag(image.substring(colon + 1))) {
                throw n.get("image").error("expected repository:tag such as vitals-demo/backend:v1.4, got '" + image + "'");
            }
            boolean page = n.get("kind").oneOf("one of", k -> switch (k) {
                case "service" -> Optional.of(false);
                case "maintenance-page" -> Optional.of(true);
                default -> Optional.<Boolean>empty();
            }, "service, maintenance-page", false);
            localImages.add(new LocalImage(image.substring(0, colon), image.substring(colon + 1),
                    n.get("healthy").bool(true), page));
        }
        return new Catalog(root.file(), Map.copyOf(environments), orderedCopy(services), Map.copyOf(users),
                Map.copyOf(roles), List.copyOf(policies), defaults, deploy, maintenance, monitoring,
                List.copyOf(localImages), incidents(root.get("incidents"), roleNames, environments.keySet()));
    }

    private static Catalog.IncidentSettings incidents(YamlNode node, Set<String> roleNames, Set<String> environments) {
        Catalog.IncidentSettings d = Catalog.IncidentSettings.DEFAULTS;
        node.map(Set.of("on-call", "targets", "escalation", "updates", "open-on-failure", "alertmanager"));
        String onCall = node.get("on-call").isMissing() ? d.onCall() : knownRole(node.get("on-call"), roleNames);
        Map<Severity, Duration> targets = new java.util.EnumMap<>(d.targets());
        targets.putAll(severityDurations(node.get("targets")));
        Map<Severity, Duration> updates = node.get("updates").isMissing() ? d.updates()
                : severityDurations(node.get("updates"));
        List<String> escalation = d.escalation();
        if (!node.get("escalation").isMissing()) {
            escalation = node.get("escalation").list().stream().map(n -> knownRole(n, roleNames)).toList();
        }
        Set<String> openOnFailure = d.openOnFailure();
        if (!node.get("open-on-failure").isMissing()) {
            openOnFailure = new LinkedHashSet<>();
            for (YamlNode n : node.get("open-on-failure").list()) {
                if (!environments.contains(n.string())) {
                    throw n.error("unknown environment '" + n.string() + "'; known: " + String.join(", ", environments));
                }
                openOnFailure.add(n.string());
            }
        }
        YamlNode am = node.get("alertmanager");
        am.map(Set.of("severity-label", "severities", "default"));
        Map<String, Severity> mapping = am.get("severities").isMissing() ? d.alertSeverities() : new LinkedHashMap<>();
        if (!am.get("severities").isMissing()) {
            am.get("severities").map().forEach((value, n) -> mapping.put(value, severity(n)));
        }
        Severity fallback = am.get("default").isMissing() ? d.alertDefault() : severity(am.get("default"));
        return new Catalog.IncidentSettings(onCall, Map.copyOf(targets), List.copyOf(escalation), Map.copyOf(updates),
                Set.copyOf(openOnFailure), am.get("severity-label").string(d.alertSeverityLabel()), Map.copyOf(mapping),
                fallback);
    }

    private static Severity severity(YamlNode n) {
        return Severity.parse(n.string()).orElseThrow(() -> n.error("expected P0, P1, P2 or P3, got '" + n.string() + "'"));
    }

    private static Map<Severity, Duration> severityDurations(YamlNode node) {
        Map<Severity, Duration> result = new java.util.EnumMap<>(Severity.class);
        node.map().forEach((key, n) -> result.put(Severity.parse(key).orElseThrow(() -> n.error(
                "expected a severity P0, P1, P2 or P3 as the key, got '" + key + "'")), positive(n, null)));
        return result;
    }

    private static Map<String, Service> orderedCopy(Map<String, Service> services) {
        Map<String, Service> sorted = new LinkedHashMap<>();
        services.values().stream()
                .sorted((a, b) -> a.deployOrder() != b.deployOrder()
                        ? Integer.compare(a.deployOrder(), b.deployOrder())
                        : a.name().compareTo(b.name()))
                .forEach(s -> sorted.put(s.name(), s));
        return java.util.Collections.unmodifiableMap(sorted);
    }

    private static String checkName(YamlNode node, String name, String what) {
        if (!Names.isName(name)) {
            throw node.error("'" + name + "' is not a valid " + what + " name: " + Names.NAME_RULE);
        }
        return name;
    }

    private static String knownRole(YamlNode node, Set<String> roleNames) {
        String role = node.string();
        if (!roleNames.contains(role)) {
            throw node.error("unknown role '" + role + "'; known roles: " + String.join(", ", roleNames)
                    + " (declare new ones under 'roles')");
        }
        return role;
    }

    private static Environment environment(String name, YamlNode node, Set<String> roleNames) {
        node.map(Set.of("engine", "api-version", "network", "channels", "min-risk", "rollback"));
        String network = node.get("network").string("vitals-" + name);
        if (!Names.isName(network)) {
            throw node.get("network").error("'" + network + "' is not a valid network name: " + Names.NAME_RULE);
        }
        EngineEndpoint engine = EngineSettings.read(node, System.getenv());
        YamlNode ch = node.get("channels");
        ch.map(Set.of("deploys", "announcements", "incidents", "audit"));
        String deploys = ch.get("deploys").string("deploys");
        Channels channels = new Channels(deploys, ch.get("announcements").string("announcements"),
                ch.get("incidents").string("incidents"), ch.get("audit").string(deploys));
        YamlNode rollback = node.get("rollback");
        rollback.map(Set.of("approvals"));
        if (!rollback.isMissing() && rollback.get("approvals").isMissing()) {
            throw rollback.get("approvals").error("is required: the sign-off a rollback within the rollback rule needs"
                    + " here, e.g. {devops-lead: 1}; write approvals: {} when it needs none");
        }
        return new Environment(name, engine, network, channels, minRisk(node.get("min-risk")),
                approvals(rollback.get("approvals"), roleNames));
    }

    private static Service service(String name, YamlNode node, Resources defaultResources) {
        node.map(Set.of("image", "strategy", "replicas", "port", "health", "env", "volumes", "labels", "hooks",
                "deploy-order", "resources", "min-risk", "maintenance-page"));
        String image = node.get("image").string();
        if (!Names.REPOSITORY.matcher(image).matches()) {
            throw node.get("image").error("expected an image repository without a tag, such as"
                    + " registry.example.org/emr/backend, got '" + image + "'");
        }
        Strategy strategy = node.get("strategy").oneOf("one of", Strategy::parse, "blue-green, rolling, recreate",
                Strategy.BLUE_GREEN);
        int replicas = node.get("replicas").integer(1, 1, 50);
        if (strategy == Strategy.BLUE_GREEN && replicas != 1) {
            throw node.get("replicas").error("blue-green runs exactly 1 replica; use strategy: rolling for "
                    + replicas + " replicas");
        }
        YamlNode h = node.get("health");
        h.map(Set.of("command", "interval", "timeout", "retries", "start-period", "gate-timeout"));
        Health health = new Health(h.get("command").isMissing() ? List.of() : h.get("command").strings(),
                positive(h.get("interval"), Duration.ofSeconds(2)), positive(h.get("timeout"), Duration.ofSeconds(2)),
                h.get("retries").integer(3, 1, 100), h.get("start-period").duration(Duration.ZERO),
                positive(h.get("gate-timeout"), Duration.ofSeconds(60)));
        YamlNode hk = node.get("hooks");
        hk.map(Set.of("snapshot", "migration", "smoke"));
        Hooks hooks = new Hooks(hook(hk.get("snapshot")), hook(hk.get("migration")), hook(hk.get("smoke")));
        return new Service(name, image, strategy, replicas, node.get("port").integer(8080, 1, 65535), health,
                SecretReferences.PROCESS.resolvedMap(node.get("env")), node.get("volumes").isMissing() ? List.of() : node.get("volumes").strings(),
                node.get("labels").stringMap(), hooks, node.get("deploy-order").integer(100, 0, 10_000),
                ResourceLimits.read(node.get("resources"), defaultResources), minRisk(node.get("min-risk")),
                maintenancePage(node.get("maintenance-page"), node.get("port").integer(8080, 1, 65535)));
    }

    private static Optional<MaintenancePage> maintenancePage(YamlNode node, int servicePort) {
        if (node.isMissing()) {
            return Optional.empty();
        }
        node.map(Set.of("image", "port"));
        String image = node.get("image").string();
        if (!image.matches("[a-z0-9./_:-]+")) {
            throw node.get("image").error("expected an image reference such as vitals-demo/maintenance-page:v1, got '"
                    + image + "'");
        }
        return Optional.of(new MaintenancePage(image, node.get("port").integer(servicePort, 1, 65535)));
    }

    private static WatchPhase watchPhase(YamlNode n) {
        n.map(Set.of("until", "every"));
        if (n.get("until").isMissing() || n.get("every").isMissing()) {
            throw n.error("each monitoring phase needs 'until' and 'every', e.g. {until: 4h, every: 30m}");
        }
        return new WatchPhase(positive(n.get("until"), null), positive(n.get("every"), null));
    }

    private static Duration positive(YamlNode node, Duration fallback) {
        Duration d = node.duration(fallback);
        if (d.isZero() || d.isNegative()) {
            throw node.error("expected a duration above zero, such as 5s");
        }
        return d;
    }

    private static Optional<Hook> hook(YamlNode node) {
        if (node.isMissing()) {
            return Optional.empty();
        }
        node.map(Set.of("image", "command", "env", "timeout"));
        String image = node.get("image").string("");
        if (!image.isEmpty() && !image.matches("[a-z0-9./_:-]+")) {
            throw node.get("image").error("expected an image reference such as postgres:16, got '" + image + "'");
        }
        List<String> command = node.get("command").strings();
        if (command.isEmpty()) {
            throw node.get("command").error("is required: the command the one-shot container runs, as a list");
        }
        return Optional.of(new Hook(image, command, SecretReferences.PROCESS.resolvedMap(node.get("env")),
                positive(node.get("timeout"), Duration.ofMinutes(5))));
    }

    private static Defaults defaults(YamlNode node) {
        node.map(Set.of("risk", "approval-expiry", "request-expiry", "resources"));
        return new Defaults(node.get("risk").oneOf("one of", Risk::parse, "low, medium, high", Risk.MEDIUM),
                node.get("approval-expiry").duration(Duration.ofHours(4)),
                node.get("request-expiry").duration(Duration.ofHours(24)));
    }

    private static Policy policy(YamlNode node, Set<String> environments, Set<String> roleNames) {
        node.map(Set.of("environment", "risk", "approvals", "maintenance-window", "checklist"));
        YamlNode envNode = node.get("environment");
        String env = envNode.string();
        if (!environments.contains(env)) {
            throw envNode.error("unknown environment '" + env + "'; known: " + String.join(", ", environments));
        }
        Set<Risk> risks = EnumSet.noneOf(Risk.class);
        YamlNode riskNode = node.get("risk");
        if (riskNode.isMissing()) {
            risks.addAll(EnumSet.allOf(Risk.class));
        } else {
            for (String r : riskNode.strings()) {
                risks.add(Risk.parse(r).orElseThrow(() -> riskNode.error("expected low, medium or high, got '" + r + "'")));
            }
        }
        if (node.get("approvals").isMissing()) {
            throw node.get("approvals").error("is required: the sign-off this environment × risk needs, e.g."
                    + " {approver: 1}; write approvals: {} when it needs none");
        }
        return new Policy(env, Set.copyOf(risks), approvals(node.get("approvals"), roleNames),
                node.get("maintenance-window").bool(false),
                node.get("checklist").isMissing() ? List.of() : node.get("checklist").strings());
    }

    private static Map<String, Integer> approvals(YamlNode node, Set<String> roleNames) {
        Map<String, Integer> approvals = new LinkedHashMap<>();
        node.map().forEach((role, n) -> {
            if (!roleNames.contains(role)) {
                throw n.error("unknown role '" + role + "'; known roles: " + String.join(", ", roleNames));
            }
            approvals.put(role, n.integer(1, 0, 10));
        });
        return Map.copyOf(approvals);
    }

    private static Optional<Risk> minRisk(YamlNode node) {
        return Optional.ofNullable(node.oneOf("one of", Risk::parse, "low, medium, high", null));
    }

    /**
     * Policy fails closed: every environment × risk must be covered by exactly one policy, so none is
     * left without sign-off by omission and none is decided by whichever entry happens to come first.
     */
    private static void requireOnePolicyEach(YamlNode node, Set<String> environments, List<Policy> policies) {
        List<String> missing = new ArrayList<>();
        List<String> overlapping = new ArrayList<>();
        for (String env : environments) {
            for (Risk risk : Risk.values()) {
                List<String> covering = new ArrayList<>();
                for (int i = 0; i < policies.size(); i++) {
                    if (policies.get(i).environment().equals(env) && policies.get(i).risks().contains(risk)) {
                        covering.add(node.path() + "[" + i + "]");
                    }
                }
                if (covering.isEmpty()) {
                    missing.add(env + " × " + risk.word());
                } else if (covering.size() > 1) {
                    overlapping.add(env + " × " + risk.word() + " (" + String.join(", ", covering) + ")");
                }
            }
        }
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add("no policy for " + String.join(", ", missing));
        }
        if (!overlapping.isEmpty()) {
            problems.add("more than one policy for " + String.join(", ", overlapping));
        }
        if (!problems.isEmpty()) {
            throw node.error(String.join("; ", problems) + ". Every environment × risk needs exactly one policy;"
                    + " write approvals: {} where no sign-off is needed, e.g. - {environment: "
                    + (missing.isEmpty() ? environments.iterator().next() : missing.getFirst().split(" × ")[0])
                    + ", risk: [low, medium, high], approvals: {}}");
        }
    }
}
