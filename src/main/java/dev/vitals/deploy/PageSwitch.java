package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.MaintenancePage;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.catalog.DurationText;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.deploy.ContainerRuntime.ContainerSpec;
import dev.vitals.deploy.ContainerRuntime.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Maintenance mode on the engine: a page container per service and window, labelled as Vitals' (role
 * {@code maintenance-page}, its window, the containers it displaced), and the same {@link TrafficSwitch}
 * as deployments to move the alias to it and back. Deployment hygiene (leftovers, standbys, pruning)
 * leaves containers with a role alone; this class removes its own pages.
 */
@Component
class PageSwitch implements MaintenancePages {
    private static final Logger log = LoggerFactory.getLogger(PageSwitch.class);

    private final Catalog catalog;
    private final ContainerRuntime runtime;
    private final TrafficSwitch traffic;
    private final LiveVersions live;
    private final DeploymentStore store;
    private final Clock clock;
    /** Pages seen off the traffic path at an earlier pass: removed at this one. */
    private final Set<String> offPath = ConcurrentHashMap.newKeySet();

    PageSwitch(Catalog catalog, ContainerRuntime runtime, TrafficSwitch traffic, LiveVersions live,
               DeploymentStore store, Clock clock) {
        this.catalog = catalog;
        this.runtime = runtime;
        this.traffic = traffic;
        this.live = live;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public List<Page> pages(String environment) {
        Environment env = catalog.environments().get(environment);
        return runtime.containers(env.engine(), Map.of(Labels.MANAGED, "true", Labels.ENVIRONMENT, environment,
                        Labels.ROLE, Labels.MAINTENANCE_PAGE)).stream()
                .map(c -> new Page(environment, c.labels().get(Labels.SERVICE), c.labels().get(Labels.WINDOW), c.id(),
                        c.servesAs(env.network(), c.labels().getOrDefault(Labels.SERVICE, ""))))
                .toList();
    }

    @Override
    public Result show(String environment, String serviceName, String windowId) {
        Environment env = catalog.environments().get(environment);
        Service service = catalog.services().get(serviceName);
        Optional<MaintenancePage> config = service.maintenancePage();
        if (config.isEmpty()) {
            return new Result(true, serviceName + " has no maintenance page");
        }
        List<ContainerInfo> pages = pagesOf(env, service, windowId);
        if (pages.stream().anyMatch(p -> p.servesAs(env.network(), serviceName))) {
            return new Result(true, "the maintenance page serves " + serviceName);
        }
        Optional<String> running = store.lockHolder(serviceName, environment);
        if (running.isPresent()) {
            return new Result(false, running.get() + " is deploying " + serviceName + "; the page goes up when it ends");
        }
        List<ContainerInfo> displaced = live.live(env, service);
        ContainerInfo page = pages.stream().filter(ContainerInfo::running).findFirst().orElse(null);
        String pageId;
        if (page == null) {
            pages.forEach(p -> runtime.remove(env.engine(), p.id()));
            pageId = create(env, service, config.get(), windowId, displaced);
        } else {
            pageId = page.id();
        }
        Optional<String> unhealthy = awaitHealthy(env, service, List.of(pageId));
        if (unhealthy.isPresent()) {
            runtime.remove(env.engine(), pageId);
            return new Result(false, "the maintenance page of " + serviceName + " " + unhealthy.get());
        }
        if (displaced.isEmpty()) {
            traffic.move(env, service, null, pageId);
        }
        for (ContainerInfo c : displaced) {
            traffic.move(env, service, c.id(), pageId);
        }
        log.info("Maintenance page up for {} in {} (window {})", serviceName, environment, windowId);
        return new Result(true, "the maintenance page serves " + serviceName + (displaced.isEmpty() ? ""
                : "; " + LiveVersions.versionOf(displaced.getFirst()) + " keeps running off the traffic path"));
    }

    @Override
    public Result lift(String environment, String serviceName, String windowId) {
        Environment env = catalog.environments().get(environment);
        Service service = catalog.services().get(serviceName);
        List<ContainerInfo> pages = pagesOf(env, service, windowId);
        List<ContainerInfo> serving = pages.stream().filter(p -> p.servesAs(env.network(), serviceName)).toList();
        String did = "";
        if (!serving.isEmpty()) {
            Optional<String> running = store.lockHolder(serviceName, environment);
            if (running.isPresent()) {
                return new Result(false, running.get() + " moves " + serviceName + " from the page to its new version");
            }
            List<ContainerInfo> back = displacedBy(env, service, serving);
            for (ContainerInfo c : back) {
                if (!c.running()) {
                    runtime.start(env.engine(), c.id());
                }
            }
            Optional<String> unhealthy = awaitHealthy(env, service, back.stream().map(ContainerInfo::id).toList());
            if (unhealthy.isPresent()) {
                return new Result(false, LiveVersions.versionOf(back.getFirst()) + " of " + serviceName + " "
                        + unhealthy.get() + "; the maintenance page keeps serving");
            }
            for (ContainerInfo page : serving) {
                if (back.isEmpty()) {
                    runtime.dropAliases(env.engine(), page.id(), env.network());
                }
                for (ContainerInfo c : back) {
                    traffic.move(env, service, page.id(), c.id());
                }
            }
            did = back.isEmpty() ? "nothing of " + serviceName + " was live to go back to; "
                    : LiveVersions.versionOf(back.getFirst()) + " serves " + serviceName + " again; ";
            log.info("Maintenance page down for {} in {} (window {}): {}", serviceName, environment, windowId, did);
        }
        // A page that just left the traffic path is removed at the next pass, not now.
        serving.forEach(p -> offPath.add(p.id()));
        boolean gone = true;
        for (ContainerInfo page : pages) {
            if (serving.contains(page)) {
                gone = false;
            } else if (offPath.remove(page.id())) {
                runtime.remove(env.engine(), page.id());
            } else {
                offPath.add(page.id());
                gone = false;
            }
        }
        return new Result(gone, did + (gone ? "the maintenance page is gone" : "the maintenance page goes next"));
    }

    /** The page containers of the service in the environment for the window (any window when null). */
    private List<ContainerInfo> pagesOf(Environment env, Service service, String windowId) {
        Map<String, String> labels = new LinkedHashMap<>(Map.of(Labels.MANAGED, "true", Labels.SERVICE, service.name(),
                Labels.ENVIRONMENT, env.name(), Labels.ROLE, Labels.MAINTENANCE_PAGE));
        if (windowId != null) {
            labels.put(Labels.WINDOW, windowId);
        }
        return runtime.containers(env.engine(), labels);
    }

    /** What the pages displaced and that is still there; else the newest running container of the service. */
    private List<ContainerInfo> displacedBy(Environment env, Service service, List<ContainerInfo> pages) {
        Set<String> ids = new java.util.HashSet<>();
        pages.forEach(p -> ids.addAll(displacedIds(p)));
        List<ContainerInfo> managed = live.managed(env, service);
        List<ContainerInfo> recorded = managed.stream().filter(c -> ids.contains(c.id())).toList();
        if (!recorded.isEmpty()) {
            return recorded;
        }
        return managed.stream().filter(ContainerInfo::running).limit(1).toList();
    }

    static List<String> displacedIds(ContainerInfo page) {
        String ids = page.labels().getOrDefault(Labels.DISPLACED, "");
        return ids.isBlank() ? List.of() : Arrays.asList(ids.split(","));
    }

    private String create(Environment env, Service service, MaintenancePage config, String windowId,
                          List<ContainerInfo> displaced) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.SERVICE, service.name());
        labels.put(Labels.ENVIRONMENT, env.name());
        labels.put(Labels.ROLE, Labels.MAINTENANCE_PAGE);
        labels.put(Labels.WINDOW, windowId);
        labels.put(Labels.DISPLACED, String.join(",", displaced.stream().map(ContainerInfo::id).toList()));
        runtime.ensureNetwork(env.engine(), env.network());
        ContainerSpec spec = new ContainerSpec(env.name() + "-" + service.name() + "-maintenance-"
                + windowId.toLowerCase() + "-" + Long.toString(clock.millis(), 36), config.image(), labels,
                Map.of("PORT", Integer.toString(config.port())), List.of(), env.network(), List.of(),
                Optional.empty(), Map.of(), List.of(), service.resources());
        String id = runtime.create(env.engine(), spec);
        try {
            runtime.start(env.engine(), id);
        } catch (RuntimeException e) {
            runtime.remove(env.engine(), id);
            throw e;
        }
        return id;
    }

    /** Empty when all are healthy (or have no health check); else why not, within the service's gate timeout. */
    private Optional<String> awaitHealthy(Environment env, Service service, List<String> ids) {
        Duration gate = service.health().gateTimeout();
        Instant deadline = clock.instant().plus(gate);
        while (true) {
            boolean all = true;
            for (String id : ids) {
                Optional<ContainerInfo> c = runtime.inspect(env.engine(), id);
                if (c.isEmpty() || !c.get().running()) {
                    return Optional.of("stopped before it became healthy");
                }
                if (c.get().health() == Health.UNHEALTHY) {
                    return Optional.of("is unhealthy");
                }
                all &= c.get().health() == Health.HEALTHY || c.get().health() == Health.NONE;
            }
            if (all) {
                return Optional.empty();
            }
            if (!clock.instant().isBefore(deadline)) {
                return Optional.of("was not healthy within " + DurationText.format(gate));
            }
            try {
                Thread.sleep(Steps.POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("was not awaited (Vitals is stopping)");
            }
        }
    }

    /** The page serving the service now, if one does. */
    Optional<ContainerInfo> serving(Environment env, Service service) {
        if (service.maintenancePage().isEmpty()) {
            return Optional.empty();
        }
        return pagesOf(env, service, null).stream().filter(p -> p.servesAs(env.network(), service.name())).findFirst();
    }
}
