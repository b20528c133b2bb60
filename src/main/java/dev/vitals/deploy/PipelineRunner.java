package dev.vitals.deploy;

import dev.vitals.leadership.Leadership;
import dev.vitals.catalog.DurationText;
import dev.vitals.deploy.StepRecord.StepStatus;
import dev.vitals.secrets.ErrorId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Executes a pipeline step by step: each step is persisted before and after it runs, bounded by its
 * timeout, and a failure undoes exactly what the run did — before the traffic moved, the new
 * containers go and the old ones were never touched (FAILED); after it, traffic moves back (ROLLED_BACK).
 */
@Component
class PipelineRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineRunner.class);

    private final DeploymentStore store;
    private final DeploymentLifecycle lifecycle;
    private final ContainerRuntime runtime;
    private final TrafficSwitch traffic;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Leadership leadership;
    private final ExecutorService pipelines = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("vitals-pipeline-", 0).factory());
    private final ExecutorService stepThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("vitals-step-", 0).factory());
    private final Map<String, Run> active = new ConcurrentHashMap<>();

    PipelineRunner(DeploymentStore store, DeploymentLifecycle lifecycle, ContainerRuntime runtime,
                   TrafficSwitch traffic, ApplicationEventPublisher events, Clock clock,
                   Leadership leadership) {
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
        try {
            for (int i = from; i < steps.size(); i++) {
                PipelineStep step = steps.get(i);
                if (!leadership.isActive()) {
                    // Another process is (or soon will be) active and reconciles it: leave it RUNNING, as a crash would.
                    log.warn("Deployment {} stops before {}: this process is no longer the active Vitals", d.id(),
                            step.name());
                    return;
                }
                answerLateCancel(run);
                if (run.cancelRequested() && !run.trafficMoved()) {
                    undo(run);
                    lifecycle.finish(d, DeploymentStatus.CANCELLED, "cancelled before " + step.name() + "; "
                            + servingNow(run));
                    return;
                }
                int seq = store.startStep(d.id(), step.name(), clock.instant());
                run.say("▶ " + step.name());
                Instant started = clock.instant();
                StepOutcome outcome = runStep(step, run);
                Instant ended = clock.instant();
                StepStatus status = switch (outcome) {
                    case StepOutcome.Succeeded s -> StepStatus.SUCCEEDED;
                    case StepOutcome.Failed f -> StepStatus.FAILED;
                    case StepOutcome.Skipped s -> StepStatus.SKIPPED;
                };
                Duration took = Duration.between(started, ended);
                lifecycle.stepFinished(d, seq, step.name(), status, outcome.detail(), took, ended);
                run.say(switch (status) {
                    case SUCCEEDED -> "✅ ";
                    case FAILED -> "❌ ";
                    default -> "⏭ ";
                } + step.name() + " (" + DurationText.format(took.truncatedTo(ChronoUnit.MILLIS)) + "): "
                        + outcome.detail());
                if (outcome instanceof StepOutcome.Failed failed && !failed.threadOutput().isEmpty()) {
                    run.say(failed.threadOutput());
                }
                if (outcome instanceof StepOutcome.Failed failed) {
                    failSafely(run, step.name() + " failed: " + firstLine(failed.detail()) + ". ");
                    return;
                }
            }
            answerLateCancel(run);
            lifecycle.finish(d, DeploymentStatus.SUCCEEDED, d.service() + " " + d.version() + " is live in "
                    + d.environment() + ".");
        } catch (InterruptedException e) {
            // Vitals is shutting down: the deployment stays RUNNING and is reconciled at the next start.
            Thread.currentThread().interrupt();
            log.warn("Deployment {} interrupted by shutdown; it will be reconciled at the next start", d.id());
            return;
        } catch (RuntimeException e) {
            ErrorId id = ErrorId.logged(log, "Deployment " + d.id() + " failed unexpectedly", e);
            failSafely(run, id.sentence() + " ");
        } finally {
            active.remove(d.id());
        }
    }

    /**
     * Undoes the run and ends it. When the undo itself fails (the engine went away), the deployment
     * stays RUNNING with its lock, and reconciliation brings it to a safe end once the engine answers:
     * a terminal status is only written when it is true.
     */
    private void failSafely(Run run, String why) {
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
            return;
        }
        lifecycle.finish(d, moved ? DeploymentStatus.ROLLED_BACK : DeploymentStatus.FAILED, why + servingNow(run));
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

    private StepOutcome runStep(PipelineStep step, Run run) throws InterruptedException {
        Duration timeout = step.timeout(run);
        Future<StepOutcome> future = stepThreads.submit(() -> step.execute(run));
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
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

    /** Undoes the run: traffic back to what served before, stopped old containers started, new ones removed. */
    void undo(Run run) {
        var engine = run.env.engine();
        for (String id : run.stopped) {
            runtime.start(engine, id);
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
        }
        for (String id : run.stopped) {
            if (!restored.contains(id)) {
                traffic.move(run.env, run.service, null, id);
            }
        }
        for (String id : run.created) {
            runtime.remove(engine, id);
        }
        for (String id : run.incoming) {
            if (!run.created.contains(id)) {
                // A kept container this run started for a rollback goes back to being kept.
                runtime.disconnect(engine, id, run.env.network());
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
