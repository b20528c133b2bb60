package dev.vitals.deploy;

import dev.vitals.leadership.Leadership;
import dev.vitals.catalog.DurationText;
import dev.vitals.deploy.StepRecord.StepStatus;
import dev.vitals.secrets.ErrorId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Component;

/**
 * Executes a pipeline step by step: each step is persisted before and after it runs, bounded by its
 * timeout (and abandoned only once its engine call has returned), its terminal status recorded with
 * retries, and a failure undoes exactly what the run did — before the traffic moved, the new
 * containers go and the old ones were never touched (FAILED); after it, traffic moves back (ROLLED_BACK).
 */
@Component
class PipelineRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineRunner.class);

    private final DeploymentChat chat;
    private final DeploymentStore store;
    private final DeploymentLifecycle lifecycle;
    private final ContainerRuntime runtime;
    private final TrafficSwitch traffic;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Leadership leadership;
    private final EngineState engineState;
    private final ExecutorService pipelines = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("vitals-pipeline-", 0).factory());
    private final ExecutorService stepThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("vitals-step-", 0).factory());
    private final Map<String, Run> active = new ConcurrentHashMap<>();
    private final RunJournal journal;
    private final FaultInjection faults;
    private final TransactionTemplate tx;
    /** Database writes of a pipeline: retried with backoff (up to 10 s apart) until the database answers. */
    private final RetryTemplate databaseRetry = new RetryTemplate(RetryPolicy.builder()
            .includes(DataAccessException.class, TransactionException.class)
            .maxRetries(Long.MAX_VALUE).delay(Duration.ofMillis(200)).multiplier(2).maxDelay(Duration.ofSeconds(10))
            .build());
    /** How long past the engine call timeout a timed-out step may take to end before its connections are closed. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    PipelineRunner(DeploymentStore store, DeploymentLifecycle lifecycle, ContainerRuntime runtime,
                   TrafficSwitch traffic, ApplicationEventPublisher events, Clock clock, RunJournal journal,
                   FaultInjection faults, Leadership leadership, EngineState engineState, DeploymentChat chat,
                   TransactionTemplate tx) {
        this.tx = tx;
        this.engineState = engineState;
        this.chat = chat;
        this.journal = journal;
        this.faults = faults;
        this.leadership = leadership;
        this.store = store;
        this.lifecycle = lifecycle;
        this.runtime = runtime;
        this.traffic = traffic;
        this.events = events;
        this.clock = clock;
    }

    Future<?> launch(Run run, List<PipelineStep> steps, int from) {
        active.put(run.deployment.id(), run);
        return pipelines.submit(() -> execute(run, steps, from));
    }

    Optional<Run> active(String deploymentId) {
        return Optional.ofNullable(active.get(deploymentId));
    }

    private void execute(Run run, List<PipelineStep> steps, int from) {
        Deployment d = run.deployment;
        Ending ending;
        try {
            ending = runSteps(run, steps, from);
        } catch (InterruptedException e) {
            // Vitals is shutting down: the deployment stays RUNNING and is reconciled at the next start.
            Thread.currentThread().interrupt();
            log.warn("Deployment {} interrupted by shutdown; it will be reconciled at the next start", d.id());
            active.remove(d.id());
            return;
        } catch (RuntimeException e) {
            ErrorId id = ErrorId.logged(log, "Deployment " + d.id() + " failed unexpectedly", e);
            ending = failSafely(run, id.sentence() + " ");
        }
        try {
            if (ending != null) {
                engineState.madeChanges(run.env); // before the end is recorded: who sees it sees the engine after it
                finishDurably(d, ending.status(), ending.detail());
            }
        } finally {
            active.remove(d.id());
        }
    }

    /** How a run ends: the terminal status to record (recording it is retried, never undone). */
    private record Ending(DeploymentStatus status, String detail) {
    }

    /**
     * What served before and what the run reuses: recorded before any step acts, in the transaction that starts
     * the first step.
     */
    private void recordBeginning(Run run) {
        String id = run.deployment.id();
        for (var c : run.previous) {
            journal.container(id, c.id(), RunJournal.Role.PREVIOUS, c.name());
        }
        for (String c : run.incoming) {
            if (!run.created.contains(c)) {
                journal.container(id, c, RunJournal.Role.REUSED, null);
            }
        }
    }

    /**
     * Runs the steps from {@code from}. What lies between two steps (the end of the one that ran, the hooks
     * after it with nothing to do, the start of the next) is recorded in one transaction, and told in chat
     * once it is: a crash leaves either the step that ran still RUNNING or the next one started, as before.
     */
    private Ending runSteps(Run run, List<PipelineStep> steps, int from) throws InterruptedException {
        Deployment d = run.deployment;
        List<DeploymentLifecycle.StepMark> behind = new ArrayList<>();
        for (int i = from; i < steps.size(); i++) {
            PipelineStep step = steps.get(i);
            if (!leadership.isActive()) {
                // Another process is (or soon will be) active and reconciles it: leave it RUNNING, as a crash would.
                advance(run, behind, null);
                log.warn("Deployment {} stops before {}: this process is no longer the active Vitals", d.id(),
                        step.name());
                return null;
            }
            if (run.cancelRequested() && !run.trafficMoved()) {
                advance(run, behind, null);
                answerLateCancel(run);
                undo(run);
                return new Ending(DeploymentStatus.CANCELLED, "cancelled before " + step.name() + "; " + servingNow(run));
            }
            Optional<String> skipped = step.skipped(run);
            if (skipped.isPresent()) {
                behind.add(new DeploymentLifecycle.StepMark.Skipped(step.name(), skipped.get(), clock.instant()));
                continue;
            }
            int seq = advance(run, behind, step.name());
            answerLateCancel(run);
            faults.pause(run, step.name(), FaultInjection.Point.BEFORE);
            run.say("▶ " + step.name());
            Instant started = clock.instant();
            StepOutcome outcome = runStep(step, run);
            faults.pause(run, step.name(), FaultInjection.Point.AFTER);
            Instant ended = clock.instant();
            StepStatus status = switch (outcome) {
                case StepOutcome.Succeeded s -> StepStatus.SUCCEEDED;
                case StepOutcome.Failed f -> StepStatus.FAILED;
                case StepOutcome.Skipped s -> StepStatus.SKIPPED;
            };
            behind.add(new DeploymentLifecycle.StepMark.Ended(seq, step.name(), status, outcome.detail(),
                    Duration.between(started, ended), ended, outcome instanceof StepOutcome.Failed failed
                    ? failed.threadOutput() : ""));
            if (outcome instanceof StepOutcome.Failed failed) {
                advance(run, behind, null);
                return failSafely(run, step.name() + " failed: " + firstLine(failed.detail()) + ". ");
            }
        }
        advance(run, behind, null);
        answerLateCancel(run);
        return new Ending(DeploymentStatus.SUCCEEDED, d.service() + " " + d.version() + " is live in "
                + d.environment() + ".");
    }

    /**
     * Records what lies {@code behind} and the start of {@code next} (none when null) in one transaction, the
     * first time with what the run began with, retried while the database does not answer; then tells it in
     * the thread. Returns the started step's seq.
     */
    private int advance(Run run, List<DeploymentLifecycle.StepMark> behind, String next) {
        if (behind.isEmpty() && next == null && run.beginningRecorded) {
            return 0;
        }
        Deployment d = run.deployment;
        String what = next != null ? "record the start of " + next
                : behind.isEmpty() ? "record the containers of " + d.id() : "record the end of " + behind.getLast().step();
        int seq = durably(what, () -> tx.execute(status -> {
            if (!run.beginningRecorded) {
                recordBeginning(run);
            }
            return lifecycle.advance(d, behind, next, clock.instant());
        }));
        run.beginningRecorded = true;
        if (behind.stream().anyMatch(DeploymentLifecycle.StepMark.Ended.class::isInstance)) {
            chat.refreshCard(d); // committed: the card shows the step that ended (and what follows)
        }
        for (DeploymentLifecycle.StepMark mark : behind) {
            switch (mark) {
                case DeploymentLifecycle.StepMark.Skipped s -> run.say("⏭ " + s.step() + ": " + s.detail());
                case DeploymentLifecycle.StepMark.Ended e -> {
                    run.say(switch (e.status()) {
                        case SUCCEEDED -> "✅ ";
                        case FAILED -> "❌ ";
                        default -> "⏭ ";
                    } + e.step() + " (" + DurationText.format(e.took().truncatedTo(ChronoUnit.MILLIS)) + "): "
                            + e.detail());
                    if (!e.threadOutput().isEmpty()) {
                        run.say(e.threadOutput());
                    }
                }
            }
        }
        behind.clear();
        return seq;
    }

    /**
     * Undoes the run and says how it ends. When the undo itself fails (the engine went away), the
     * deployment stays RUNNING with its lock (null), and reconciliation brings it to a safe end once
     * the engine answers: a terminal status is only written when it is true.
     */
    private Ending failSafely(Run run, String why) {
        Deployment d = run.deployment;
        boolean moved = run.trafficMoved();
        try {
            undo(run);
        } catch (RuntimeException e) {
            String cause = e instanceof EngineUnavailableException ? e.getMessage()
                    : "error " + ErrorId.logged(log, "Undoing " + d.id() + " failed", e) + " in Vitals' log";
            log.warn("Undoing {} failed: {}", d.id(), cause);
            run.say("⚠️ " + why + "Undoing it failed too (" + cause + "). " + d.id() + " stays RUNNING and"
                    + " holds its lock; Vitals brings it to a safe end as soon as the engine answers again.");
            events.publishEvent(new ReconciliationNeeded(d.id()));
            return null;
        }
        return new Ending(moved ? DeploymentStatus.ROLLED_BACK : DeploymentStatus.FAILED, why + servingNow(run));
    }

    /**
     * Records a terminal status, retrying while the database does not answer: the work it describes
     * is done, so a failure to record it is never a reason to undo that work. Should Vitals stop
     * meanwhile, the deployment is still RUNNING and reconciliation finds it finished.
     */
    private void finishDurably(Deployment d, DeploymentStatus to, String detail) {
        try {
            durably("record " + d.id() + " as " + to, () -> {
                lifecycle.finish(d, to, detail);
                return null;
            });
        } catch (RuntimeException e) {
            log.error("Could not record {} as {}; it stays RUNNING and is reconciled at the next start", d.id(), to, e);
        }
    }

    /** A database write of the pipeline, retried with backoff while the database does not answer. */
    private <T> T durably(String what, Supplier<T> write) {
        return databaseRetry.invoke(() -> {
            try {
                return write.get();
            } catch (DataAccessException | TransactionException e) {
                log.warn("Could not {} ({}); retrying", what, e.getMessage());
                throw e;
            }
        });
    }

    private static void answerLateCancel(Run run) {
        if (run.lateCancelToAnswer()) {
            Deployment d = run.deployment;
            run.say("⏹ the cancel by " + run.cancelledBy() + " came while traffic was moving; " + d.version()
                    + " serves " + d.service() + " now, so it no longer applies: /rollback " + d.service() + " "
                    + d.environment() + " brings the previous version back.");
        }
    }

    /** A deployment this process can no longer finish by itself. */
    record ReconciliationNeeded(String deploymentId) {
    }

    /**
     * Runs a step on its own thread, bounded by its timeout. A step that outlives it is interrupted,
     * but abandoned only once it has really ended: the engine call it is in returns (every call has
     * its own timeout) or, failing that, its connections to the engine are closed. Only then may undo
     * start, so undo never races a half-finished switch.
     */
    private StepOutcome runStep(PipelineStep step, Run run) throws InterruptedException {
        Duration timeout = step.timeout(run);
        CountDownLatch ended = new CountDownLatch(1);
        Future<StepOutcome> future = stepThreads.submit(() -> {
            try {
                return faults.within(run, step.name(), () -> step.execute(run));
            } finally {
                ended.countDown();
            }
        });
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (faults.holdsInStep(run)) {
                ended.await(); // held by fault injection until Vitals is killed
            }
            future.cancel(true);
            awaitAbandoned(step, run, ended);
            return new StepOutcome.Failed(step.name() + " did not finish within " + DurationText.format(timeout));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof EngineUnavailableException) {
                log.warn("Step {} of {} failed", step.name(), run.deployment.id(), cause);
                return new StepOutcome.Failed(cause.getMessage());
            }
            ErrorId id = ErrorId.logged(log, "Step " + step.name() + " of " + run.deployment.id() + " failed", cause);
            return new StepOutcome.Failed(id.sentence());
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    private void awaitAbandoned(PipelineStep step, Run run, CountDownLatch ended) throws InterruptedException {
        Duration callTimeout = runtime.callTimeout();
        if (ended.await(callTimeout.toMillis() + GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
        }
        log.warn("Step {} of {} outlived the engine call timeout; closing the connections to {}", step.name(),
                run.deployment.id(), run.env.engine().host());
        run.say("⚠️ " + step.name() + " is still waiting for the engine; Vitals closes its connections to it before"
                + " undoing anything.");
        runtime.closeConnections(run.env.engine());
        while (!ended.await(callTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("Step {} of {} has still not ended", step.name(), run.deployment.id());
        }
    }

    /** Undoes the run: traffic back to what served before, stopped old containers started, new ones removed. */
    void undo(Run run) {
        var engine = run.env.engine();
        String id = run.deployment.id();
        for (String c : run.stopped) {
            runtime.start(engine, c);
        }
        Set<String> restored = new HashSet<>();
        for (int i = run.moves.size() - 1; i >= 0; i--) {
            Run.Move move = run.moves.get(i);
            if (move.from() != null) {
                traffic.move(run.env, run.service, move.to(), move.from());
                restored.add(move.from());
            } else {
                runtime.disconnect(engine, move.to(), run.env.network());
            }
            if (move.seq() > 0) {
                durably("record move " + move.seq() + " of " + id + " as undone", () -> {
                    journal.moved(id, move.seq(), RunJournal.MoveState.UNDONE);
                    return null;
                });
            }
        }
        for (String c : run.stopped) {
            if (!restored.contains(c)) {
                traffic.move(run.env, run.service, null, c);
            }
        }
        for (String c : run.created) {
            runtime.remove(engine, c);
        }
        for (String c : run.incoming) {
            if (!run.created.contains(c)) {
                // A kept container this run moved traffic to goes back to being kept: off the network, and
                // stopped again if the run started it.
                runtime.disconnect(engine, c, run.env.network());
                if (run.restarted.contains(c)) {
                    runtime.stop(engine, c, Duration.ofSeconds(10));
                }
            }
        }
        run.moves.clear();
        run.stopped.clear();
    }

    private String servingNow(Run run) {
        return run.previous.isEmpty() ? "Nothing of " + run.service.name() + " was live before, and nothing is now."
                : run.previousVersion() + " is serving " + run.service.name() + " as before.";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        pipelines.shutdownNow();
        stepThreads.shutdownNow();
    }
}
