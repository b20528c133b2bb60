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
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
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
    private final Clock clock;
    /** The open stream of each environment's engine, by environment name. */
    private final Map<String, ContainerRuntime.HealthStream> streams = new HashMap<>();
    /** Environments whose engine could not be watched at the last try (said once, not every try). */
    private final Set<String> unwatched = new HashSet<>();
    /** Opening a stream waits on the engine: a ReentrantLock, not a monitor, guards the streams. */
    private final ReentrantLock streamsLock = new ReentrantLock();
    private final Set<String> unhealthy = ConcurrentHashMap.newKeySet();

    EngineHealthEvents(ContainerRuntime runtime, Catalog catalog, Leadership leadership,
                       ApplicationEventPublisher events, TransactionTemplate tx, Clock clock) {
        this.runtime = runtime;
        this.catalog = catalog;
        this.leadership = leadership;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
    }

    @EventListener(BecameActive.class)
    void start() {
        streamsLock.lock();
        try {
            closeStreams();
            keepWatching();
        } finally {
            streamsLock.unlock();
        }
    }

    /**
     * Reopens the stream of an engine that ended it (a restart, a broken connection) or could not be
     * watched before, and then looks at the live containers once: what turned unhealthy or recovered while
     * nobody listened is heard late rather than never.
     */
    @Scheduled(fixedDelayString = "${vitals.reconcile-interval:10s}", initialDelayString = "${vitals.reconcile-interval:10s}")
    void reopenBrokenStreams() {
        streamsLock.lock();
        try {
            if (leadership.isActive()) {
                keepWatching();
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

    private void keepWatching() {
        for (String name : catalog.incidents().openOnFailure()) {
            Environment env = catalog.environments().get(name);
            ContainerRuntime.HealthStream open = streams.get(name);
            if (env == null || (open != null && !open.broken())) {
                continue;
            }
            if (open != null) {
                open.close();
                streams.remove(name);
                log.info("Reopening the health event stream of {} ({})", name, env.engine().host());
            }
            try {
                streams.put(name, runtime.watchHealth(env.engine(), Map.of(Labels.MANAGED, "true", Labels.ENVIRONMENT,
                        env.name()), e -> heard(env, e)));
                if (unwatched.remove(name)) {
                    log.info("Health events of {} are heard again", name);
                }
                lookOnce(env);
            } catch (RuntimeException e) {
                if (unwatched.add(name)) {
                    log.warn("No health events from the engine of {} (tried again every reconcile interval): {}",
                            name, e.getMessage());
                }
            }
        }
    }

    /** The live containers' health as the engine has it now, heard as if it had just been streamed. */
    private void lookOnce(Environment env) {
        for (ContainerInfo c : runtime.containers(env.engine(), Map.of(Labels.MANAGED, "true", Labels.ENVIRONMENT,
                env.name()))) {
            boolean nowUnhealthy = c.running() && c.health() == ContainerRuntime.Health.UNHEALTHY;
            boolean recovered = c.health() == ContainerRuntime.Health.HEALTHY && unhealthy.contains(c.id());
            if ((nowUnhealthy && !unhealthy.contains(c.id())) || recovered) {
                heard(env, new HealthEvent(c.id(), c.health(), clock.instant()));
            }
        }
    }

    private void closeStreams() {
        for (ContainerRuntime.HealthStream s : streams.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                log.debug("closing a health event stream: {}", e.toString());
            }
        }
        streams.clear();
        unwatched.clear();
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
