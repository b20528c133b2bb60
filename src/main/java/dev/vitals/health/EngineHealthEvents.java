package dev.vitals.health;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.deploy.ContainerRuntime;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.deploy.ContainerRuntime.HealthEvent;
import dev.vitals.deploy.Labels;
import dev.vitals.leadership.BecameActive;
import dev.vitals.leadership.Leadership;
import dev.vitals.leadership.LostLeadership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Listens, on the active Vitals, to the engine's health events of the containers in the environments where
 * incidents open themselves ({@code incidents.open-on-failure}): a container that holds its service's alias
 * and turns unhealthy publishes {@link LiveServiceUnhealthy} (durable), and so does its recovery. Containers
 * off the traffic path (a new version before its switch, hooks, kept ones) are the pipeline's business.
 */
@Component
class EngineHealthEvents {
    private static final Logger log = LoggerFactory.getLogger(EngineHealthEvents.class);

    private final ContainerRuntime runtime;
    private final Catalog catalog;
    private final Leadership leadership;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final List<AutoCloseable> streams = new ArrayList<>();
    /** Opening a stream waits on the engine: a ReentrantLock, not a monitor, guards the list. */
    private final ReentrantLock streamsLock = new ReentrantLock();
    private final Set<String> unhealthy = ConcurrentHashMap.newKeySet();

    EngineHealthEvents(ContainerRuntime runtime, Catalog catalog, Leadership leadership,
                       ApplicationEventPublisher events, TransactionTemplate tx) {
        this.runtime = runtime;
        this.catalog = catalog;
        this.leadership = leadership;
        this.events = events;
        this.tx = tx;
    }

    @EventListener(BecameActive.class)
    void start() {
        streamsLock.lock();
        try {
            closeStreams();
            for (String name : catalog.incidents().openOnFailure()) {
                Environment env = catalog.environments().get(name);
                if (env == null) {
                    continue;
                }
                try {
                    streams.add(runtime.watchHealth(env.engine(), Map.of(Labels.MANAGED, "true", Labels.ENVIRONMENT,
                            env.name()), e -> heard(env, e)));
                } catch (RuntimeException e) {
                    log.warn("No health events from the engine of {}: {}", env.name(), e.getMessage());
                }
            }
        } finally {
            streamsLock.unlock();
        }
    }

    @EventListener(LostLeadership.class)
    void stop() {
        streamsLock.lock();
        try {
            closeStreams();
        } finally {
            streamsLock.unlock();
        }
    }

    private void closeStreams() {
        for (AutoCloseable s : streams) {
            try {
                s.close();
            } catch (Exception e) {
                log.debug("closing a health event stream: {}", e.toString());
            }
        }
        streams.clear();
    }

    private void heard(Environment env, HealthEvent e) {
        if (!leadership.isActive() || (e.health() != ContainerRuntime.Health.UNHEALTHY
                && e.health() != ContainerRuntime.Health.HEALTHY)) {
            return;
        }
        try {
            Optional<ContainerInfo> c = runtime.inspect(env.engine(), e.containerId());
            if (c.isEmpty() || c.get().labels().containsKey(Labels.ROLE)) {
                return;
            }
            ContainerInfo info = c.get();
            String service = info.labels().get(Labels.SERVICE);
            boolean recovered = e.health() == ContainerRuntime.Health.HEALTHY;
            if (service == null || (recovered ? !unhealthy.remove(info.id()) : !info.servesAs(env.network(), service))) {
                return;
            }
            if (!recovered) {
                unhealthy.add(info.id());
            }
            tx.executeWithoutResult(t -> events.publishEvent(new LiveServiceUnhealthy(service, env.name(), info.name(),
                    info.labels().get(Labels.VERSION), info.labels().get(Labels.DEPLOYMENT), recovered, e.at())));
        } catch (RuntimeException ex) {
            log.warn("Health event of {} in {} not handled: {}", e.containerId(), env.name(), ex.toString());
        }
    }
}
