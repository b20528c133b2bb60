package dev.vitals.deploy;

import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What serves a service right now, as the engine shows it: the running containers that carry the
 * service name as an alias on the environment's network. The engine is the source of truth.
 */
@Component
class LiveVersions {
    private final ContainerRuntime runtime;

    LiveVersions(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /** Every container Vitals made for this service in this environment, newest first. */
    List<ContainerInfo> managed(Environment env, Service service) {
        return runtime.containers(env.engine(), Map.of(Labels.MANAGED, "true", Labels.SERVICE, service.name(),
                        Labels.ENVIRONMENT, env.name())).stream()
                .filter(c -> !c.labels().containsKey(Labels.ROLE))
                .sorted(NEWEST_FIRST)
                .toList();
    }

    /**
     * The live version: what serves; while a maintenance page serves instead, what the page displaced
     * (running off the traffic path until the window ends).
     */
    List<ContainerInfo> live(Environment env, Service service) {
        return live(env, service, managed(env, service), () -> runtime.containers(env.engine(), Map.of(Labels.MANAGED,
                "true", Labels.SERVICE, service.name(), Labels.ENVIRONMENT, env.name(), Labels.ROLE,
                Labels.MAINTENANCE_PAGE)));
    }

    /**
     * {@link #live(Environment, Service)} from containers at hand: {@code managed} as {@link #managed} gives
     * them, {@code pages} any containers among which the service's maintenance pages are (asked for only when
     * nothing serves and the service has a page).
     */
    static List<ContainerInfo> live(Environment env, Service service, List<ContainerInfo> managed,
                                    java.util.function.Supplier<List<ContainerInfo>> pages) {
        List<ContainerInfo> serving = managed.stream().filter(c -> c.servesAs(env.network(), service.name())).toList();
        if (!serving.isEmpty() || service.maintenancePage().isEmpty()) {
            return serving;
        }
        java.util.Set<String> displaced = new java.util.HashSet<>();
        pages.get().stream()
                .filter(p -> Labels.MAINTENANCE_PAGE.equals(p.labels().get(Labels.ROLE))
                        && service.name().equals(p.labels().get(Labels.SERVICE))
                        && env.name().equals(p.labels().get(Labels.ENVIRONMENT)))
                .filter(p -> p.servesAs(env.network(), service.name()))
                .forEach(p -> displaced.addAll(PageSwitch.displacedIds(p)));
        return managed.stream().filter(c -> c.running() && displaced.contains(c.id())).toList();
    }

    /** {@link #managed(Environment, Service)} from containers at hand (any, Vitals' or not). */
    static List<ContainerInfo> managed(List<ContainerInfo> containers, Environment env, Service service) {
        return containers.stream()
                .filter(c -> "true".equals(c.labels().get(Labels.MANAGED))
                        && service.name().equals(c.labels().get(Labels.SERVICE))
                        && env.name().equals(c.labels().get(Labels.ENVIRONMENT)))
                .filter(c -> !c.labels().containsKey(Labels.ROLE))
                .sorted(NEWEST_FIRST)
                .toList();
    }

    /**
     * Running containers that answer as the service on the environment's network but that Vitals did not
     * make for this service here (no {@code vitals.managed} label, or another service's or environment's):
     * clients reach them beside Vitals' version, and no switch of Vitals' takes them off the traffic path.
     */
    static List<ContainerInfo> unmanagedAliasHolders(List<ContainerInfo> attached, Environment env, Service service) {
        return attached.stream()
                .filter(c -> c.servesAs(env.network(), service.name()))
                .filter(c -> !("true".equals(c.labels().get(Labels.MANAGED))
                        && service.name().equals(c.labels().get(Labels.SERVICE))
                        && env.name().equals(c.labels().get(Labels.ENVIRONMENT))))
                .sorted(java.util.Comparator.comparing(ContainerInfo::name))
                .toList();
    }

    /**
     * Why the deployment may not go on while a container Vitals did not make holds the service's alias:
     * it would keep serving beside the new version (clients would get either), and no switch of ours
     * could take it off the traffic path.
     */
    static Optional<String> unmanagedRefusal(List<ContainerInfo> attached, Environment env, Service service,
                                             Deployment d) {
        List<ContainerInfo> holders = unmanagedAliasHolders(attached, env, service);
        if (holders.isEmpty()) {
            return Optional.empty();
        }
        ContainerInfo first = holders.getFirst();
        String advice = removalAdvice(env, first);
        return Optional.of("an unmanaged container " + first.name() + " also answers as " + service.name() + " on "
                + env.network() + (holders.size() > 1 ? " (and " + (holders.size() - 1) + " more)" : "")
                + "; clients would reach it beside " + d.version() + ". "
                + Character.toUpperCase(advice.charAt(0)) + advice.substring(1) + ", then request the "
                + (d.kind() == Deployment.Kind.DEPLOY ? "deployment" : "rollback") + " again.");
    }

    /** Every container on the environment's network, Vitals' or not. */
    List<ContainerInfo> attached(Environment env) {
        return runtime.attachedTo(env.engine(), env.network());
    }

    /** What to tell a person about a container that answers as the service without being Vitals'. */
    static String removalAdvice(Environment env, ContainerInfo holder) {
        return "remove it (`docker rm -f " + holder.name() + "`) or take it off the network (`docker network disconnect "
                + env.network() + " " + holder.name() + "`)";
    }

    /** Newest deployment first (by the number in its id, not its text), replicas of one by name. */
    static final Comparator<ContainerInfo> NEWEST_FIRST = Comparator
            .comparingLong(LiveVersions::deploymentNumber).reversed()
            .thenComparing(ContainerInfo::name);

    static long deploymentNumber(ContainerInfo c) {
        String id = c.labels().getOrDefault(Labels.DEPLOYMENT, "");
        try {
            return id.startsWith("D-") ? Long.parseLong(id.substring(2)) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String versionOf(ContainerInfo c) {
        return c.labels().getOrDefault(Labels.VERSION, "?");
    }

    static boolean sameVersion(List<ContainerInfo> containers) {
        return containers.stream().map(LiveVersions::versionOf).distinct().count() <= 1;
    }

}
