package dev.vitals.deploy;

import java.time.Clock;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The only place a deployment's status changes: each transition is written (guarded by the status it
 * expects, so two actors cannot both move it) and then announced.
 */
@Component
class DeploymentLifecycle {
    private final DeploymentStore store;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    DeploymentLifecycle(DeploymentStore store, ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** Moves to {@code to} if the deployment is still as given; empty when someone else moved it first. */
    Optional<Deployment> move(Deployment d, DeploymentStatus to, String actor, String detail) {
        Deployment next = d.with(to, detail, clock.instant());
        if (!store.transition(next, d.status())) {
            return Optional.empty();
        }
        if (to.terminal()) {
            store.unlock(d.id());
        }
        events.publishEvent(new DeploymentStatusChanged(d.id(), d.service(), d.environment(), d.version(), d.status(),
                to, actor, detail, next.updatedAt()));
        return Optional.of(next);
    }

    /** Ends a deployment that Vitals itself was running. */
    void finish(Deployment d, DeploymentStatus to, String detail) {
        Deployment current = store.find(d.id()).orElse(d);
        move(current, to, "vitals", detail);
    }

    void announceNew(Deployment d) {
        events.publishEvent(new DeploymentStatusChanged(d.id(), d.service(), d.environment(), d.version(), null,
                d.status(), d.requestedBy(), d.detail(), d.createdAt()));
    }
}
