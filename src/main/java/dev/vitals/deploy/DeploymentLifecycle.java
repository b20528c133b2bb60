package dev.vitals.deploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The only place a deployment's status changes. Each transition is one transaction: the status row
 * (guarded by the status it expects, so two actors cannot both move it), the deploy lock it takes (on
 * the move to RUNNING) or releases (on a terminal status), and the event that announces it, which the
 * event publication registry stores in the same transaction. They commit together or not at all.
 */
@Component
@Transactional
class DeploymentLifecycle {
    private final DeploymentStore store;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    DeploymentLifecycle(DeploymentStore store, ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** What became of an attempt to start: it runs, the lock is held by another deployment, or it moved on. */
    sealed interface Start {
        record Running(Deployment deployment) implements Start {
        }

        record LockHeld(String holder) implements Start {
        }

        record MovedOn(Deployment now) implements Start {
        }
    }

    /**
     * Moves to {@code to} if the deployment is still as given; empty when someone else moved it first.
     * RUNNING is only reached through {@link #start}, which takes the lock.
     */
    Optional<Deployment> move(Deployment d, DeploymentStatus to, String actor, String detail) {
        if (to == DeploymentStatus.RUNNING) {
            throw new IllegalArgumentException("a deployment starts through start(), which takes its lock");
        }
        return write(d, to, actor, detail);
    }

    /**
     * Takes the deploy lock with one conditional insert and moves to RUNNING, in one transaction. A lock
     * already held (by anyone, this deployment included) refuses the start, and a deployment that is no
     * longer as given gives its fresh lock back at once: the insert and the release are this transaction's
     * own row, so no other deployment's lock is ever deleted.
     */
    Start start(Deployment d, String actor) {
        // The deployment's row first, then the lock: the scheduler claims rows the same way (and skips one
        // held here), so a request starting its own deployment and the scheduler never wait on each other.
        Optional<Deployment> fresh = store.findForUpdate(d.id());
        if (fresh.isPresent() && fresh.get().status() != d.status()) {
            // Started (or ended) meanwhile, by the scheduler: it holds the lock, and the deployment is its to run.
            return new Start.MovedOn(fresh.get());
        }
        if (!store.lock(d.service(), d.environment(), d.id(), clock.instant())) {
            return new Start.LockHeld(store.lockHolder(d.service(), d.environment()).orElse("another deployment"));
        }
        Optional<Deployment> running = write(d, DeploymentStatus.RUNNING, actor, null);
        if (running.isEmpty()) {
            store.unlock(d.id());
            return new Start.MovedOn(store.find(d.id()).orElse(d));
        }
        return new Start.Running(running.get());
    }

    private Optional<Deployment> write(Deployment d, DeploymentStatus to, String actor, String detail) {
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
    Optional<Deployment> finish(Deployment d, DeploymentStatus to, String detail) {
        Deployment current = store.find(d.id()).orElse(d);
        return write(current, to, "vitals", detail);
    }

    void announceNew(Deployment d) {
        events.publishEvent(new DeploymentStatusChanged(d.id(), d.service(), d.environment(), d.version(), null,
                d.status(), d.requestedBy(), d.detail(), d.createdAt()));
    }

    /** What the pipeline records of a step it is past: its end, or that it had nothing to do. */
    sealed interface StepMark {
        String step();

        /** {@code threadOutput}: what the step's failure adds to the thread beyond its detail ("" for none). */
        record Ended(int seq, String step, StepRecord.StepStatus status, String detail, Duration took, Instant at,
                     String threadOutput) implements StepMark {
        }

        /** A step with nothing to do: started and ended at one moment. */
        record Skipped(String step, String detail, Instant at) implements StepMark {
        }
    }

    /**
     * What lies between two steps, in one transaction: the steps {@code behind}, each recorded with its event,
     * and the start of {@code next} (none when null). Returns the started step's seq, 0 when none started.
     */
    int advance(Deployment d, List<StepMark> behind, String next, Instant at) {
        for (StepMark mark : behind) {
            switch (mark) {
                case StepMark.Ended e -> stepFinished(d, e.seq(), e.step(), e.status(), e.detail(), e.took(), e.at());
                case StepMark.Skipped s -> {
                    store.skippedStep(d.id(), s.step(), s.detail(), s.at());
                    finished(d, s.step(), StepRecord.StepStatus.SKIPPED, s.detail(), Duration.ZERO, s.at());
                }
            }
        }
        return next == null ? 0 : store.startStep(d.id(), next, at);
    }

    private void stepFinished(Deployment d, int seq, String step, StepRecord.StepStatus status, String detail,
                              Duration took, Instant ended) {
        store.finishStep(d.id(), seq, status, detail, ended);
        finished(d, step, status, detail, took, ended);
    }

    private void finished(Deployment d, String step, StepRecord.StepStatus status, String detail, Duration took,
                          Instant ended) {
        events.publishEvent(new DeploymentStepFinished(d.id(), d.service(), d.environment(), step, status, detail,
                took, ended));
    }

    /** Runs {@code work} once the current transaction committed (at once when there is none). */
    static void afterCommit(Runnable work) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    work.run();
                }
            });
        } else {
            work.run();
        }
    }
}
