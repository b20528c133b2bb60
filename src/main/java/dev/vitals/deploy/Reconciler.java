package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.catalog.Strategy;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.deploy.ContainerRuntime.Health;
import dev.vitals.deploy.StepRecord.StepStatus;
import dev.vitals.leadership.BecameActive;
import dev.vitals.leadership.Leadership;
import dev.vitals.secrets.ErrorId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * After a restart, brings every deployment that was RUNNING to a safe place by what it recorded (the
 * containers it created, reused, restarted or stopped, its traffic moves intended and done) and what
 * the engine shows: resumed when it stood in a step that can simply run again, otherwise ended with
 * exactly one version serving — the old one, or the new one if the switch had completed and it is
 * healthy — and at most one running standby. The thread says what was found and done. Leftover hook
 * containers and containers of failed runs are removed.
 */
@Component
class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final Catalog catalog;
    private final DeploymentStore store;
    private final DeploymentLifecycle lifecycle;
    private final DeploymentChat chat;
    private final PipelineRunner runner;
    private final Steps steps;
    private final LiveVersions live;
    private final ContainerRuntime runtime;
    private final TrafficSwitch traffic;
    private final Clock clock;
    private final RunJournal journal;
    private final Leadership leadership;
    private final PageSwitch pages;
    private final EngineState engineState;
    /** Deployments found RUNNING at start that still await reconciliation (the engine may be down). */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Of those, the ones this process gave up on because the engine stopped answering. */
    private final Set<String> engineLost = ConcurrentHashMap.newKeySet();
    private final ReentrantLock reconciling = new ReentrantLock();
    /** Deployments whose reconciliation failed at least once (their thread was told). */
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

    Reconciler(Catalog catalog, DeploymentStore store, DeploymentLifecycle lifecycle, DeploymentChat chat,
               PipelineRunner runner, Steps steps, LiveVersions live, ContainerRuntime runtime,
               TrafficSwitch traffic, Clock clock, RunJournal journal, Leadership leadership, PageSwitch pages,
               EngineState engineState) {
        this.engineState = engineState;
        this.journal = journal;
        this.pages = pages;
        this.catalog = catalog;
        this.store = store;
        this.lifecycle = lifecycle;
        this.chat = chat;
        this.runner = runner;
        this.steps = steps;
        this.live = live;
        this.runtime = runtime;
        this.traffic = traffic;
        this.clock = clock;
        this.leadership = leadership;
    }

    /** At start and at every takeover: the RUNNING ones this process does not run itself. */
    @EventListener(BecameActive.class)
    void atStart() {
        store.withStatus(DeploymentStatus.RUNNING).forEach(d -> pending.add(d.id()));
        retry();
    }

    @EventListener
    void on(PipelineRunner.ReconciliationNeeded e) {
        engineLost.add(e.deploymentId());
        pending.add(e.deploymentId());
    }

    @Scheduled(fixedDelayString = "${vitals.reconcile-interval:10s}", initialDelayString = "${vitals.reconcile-interval:10s}")
    void retry() {
        if (!leadership.isActive()) {
            return;
        }
        // A takeover reconciles on its own thread while this timer runs: one deployment is reconciled once.
        reconciling.lock();
        try {
            reconcilePending();
        } finally {
            reconciling.unlock();
        }
    }

    private void reconcilePending() {
        for (String id : List.copyOf(pending)) {
            try {
                if (runner.active(id).isPresent()) {
                    continue;
                }
                store.find(id).filter(d -> d.status() == DeploymentStatus.RUNNING).ifPresent(this::reconcile);
                pending.remove(id);
            } catch (EngineUnavailableException e) {
                log.warn("Cannot reconcile {} yet: {}", id, e.getMessage());
            } catch (RuntimeException e) {
                // Stays pending: a deployment left RUNNING with nobody to end it would hold its lock for ever.
                ErrorId error = ErrorId.logged(log, "Reconciling " + id + " failed; it is tried again at the next pass", e);
                if (failedOnce.add(id)) {
                    store.find(id).ifPresent(d -> chat.say(d, "⚠️ Bringing " + id + " to a safe place after the"
                            + " restart failed (error " + error.id() + " in Vitals' log); Vitals keeps trying at every"
                            + " reconciliation pass (vitals.reconcile-interval, 10 s by default)."));
                }
            }
        }
        removeLeftovers();
    }

    private void reconcile(Deployment d) {
        Environment env = catalog.environments().get(d.environment());
        Service service = catalog.services().get(d.service());
        runtime.ping(env.engine());
        List<StepRecord> records = store.steps(d.id());
        Optional<StepRecord> interrupted = records.stream().filter(s -> s.status() == StepStatus.RUNNING).findFirst();
        String where = interrupted.map(StepRecord::name)
                .orElse(records.isEmpty() ? "start" : records.getLast().name());
        interrupted.ifPresent(s -> store.finishStep(d.id(), s.seq(), StepStatus.FAILED,
                "interrupted: Vitals stopped during this step", clock.instant()));
        removeHooks(env, d);

        // What the deployment recorded it did; containers it created carry its label even when the crash
        // came before the record.
        List<RunJournal.RecordedContainer> recorded = journal.containers(d.id());
        List<RunJournal.RecordedMove> moves = journal.moves(d.id());
        Map<String, ContainerInfo> managed = new LinkedHashMap<>();
        live.managed(env, service).forEach(c -> managed.put(c.id(), c));
        Set<String> created = new LinkedHashSet<>(ids(recorded, RunJournal.Role.CREATED));
        managed.values().stream().filter(c -> d.id().equals(c.labels().get(Labels.DEPLOYMENT)))
                .forEach(c -> created.add(c.id()));
        Set<String> reused = new LinkedHashSet<>(ids(recorded, RunJournal.Role.REUSED));
        Set<String> restarted = new LinkedHashSet<>(ids(recorded, RunJournal.Role.RESTARTED));
        reused.addAll(restarted);
        List<ContainerInfo> incoming = managed.values().stream()
                .filter(c -> created.contains(c.id()) || reused.contains(c.id()))
                .sorted(Comparator.comparing(ContainerInfo::name)).toList();
        List<ContainerInfo> previous = ids(recorded, RunJournal.Role.PREVIOUS).stream().map(managed::get)
                .filter(java.util.Objects::nonNull).toList();
        boolean previousRecorded = !ids(recorded, RunJournal.Role.PREVIOUS).isEmpty();
        boolean stoppedOld = !ids(recorded, RunJournal.Role.STOPPED).isEmpty();
        long movesMade = moves.stream().filter(m -> m.state() == RunJournal.MoveState.DONE).count();
        long movesHalf = moves.stream().filter(m -> m.state() == RunJournal.MoveState.INTENDED).count();
        boolean trafficMoved = movesMade + movesHalf > 0 || stoppedOld;
        boolean switchComplete = records.stream().anyMatch(s -> s.status() == StepStatus.SUCCEEDED
                && (s.name().equals(Steps.SWITCH) || s.name().equals("replace replica " + service.replicas() + "/"
                + service.replicas())));
        boolean lost = engineLost.remove(d.id());
        String intro = (lost ? "⚠️ The engine answers again after it was lost during " + where + ". "
                : "⚠️ Vitals restarted while " + d.id() + " was in " + where + ". ")
                + "Found: " + found(incoming, created, movesMade, movesHalf, switchComplete, env, service) + ". ";
        String cause = (lost ? "the engine was lost during " : "interrupted by a restart of Vitals during ") + where;

        boolean resumable = d.kind() == Deployment.Kind.DEPLOY && d.strategy() == Strategy.BLUE_GREEN
                && interrupted.isPresent() && (interrupted.get().name().equals(Steps.WAIT_HEALTHY)
                || interrupted.get().name().equals(Steps.AWAIT_WINDOW)
                || interrupted.get().name().equals(Steps.VERIFY) && switchComplete)
                && incoming.size() == 1 && created.contains(incoming.getFirst().id()) && incoming.getFirst().running();
        if (resumable) {
            ContainerInfo mine = incoming.getFirst();
            Run run = new Run(d, env, service, previousRecorded ? previous : othersServing(managed, incoming, env, service),
                    line -> chat.say(d, line));
            run.created.add(mine.id());
            run.incoming.add(mine.id());
            moves.stream().filter(m -> m.state() != RunJournal.MoveState.UNDONE)
                    .forEach(m -> run.moves.add(new Run.Move(m.seq(), m.from(), m.to())));
            List<PipelineStep> plan = steps.deploy(run);
            int from = indexOf(plan, interrupted.get().name());
            chat.say(d, intro + "The new container is still there, so the pipeline resumes at "
                    + interrupted.get().name() + ".");
            runner.launch(run, plan, from);
            return;
        }

        if (switchComplete && !incoming.isEmpty() && incoming.stream().allMatch(c -> c.running()
                && c.health() != Health.UNHEALTHY && c.health() != Health.STARTING)) {
            // Forward: the switch had completed and the new version is healthy. It alone keeps the alias.
            for (ContainerInfo c : incoming) {
                if (!c.servesAs(env.network(), service.name())) {
                    traffic.move(env, service, null, c.id());
                }
            }
            List<String> dropped = dropAliasesExcept(env, service, managed, ids(incoming));
            Set<String> standby = new LinkedHashSet<>();
            previous.forEach(c -> standby.add(c.id()));
            List<String> retired = retireStandbysExcept(d, env, service, ids(incoming), standby);
            chat.say(d, intro + "The switch had completed and " + d.version() + " is healthy, so it stays live"
                    + done(dropped, retired) + ".");
            finish(d, DeploymentStatus.SUCCEEDED, "completed after " + cause + ": " + d.version()
                    + " is live and healthy.");
            return;
        }

        // Back: what served before serves again — recorded containers, else the previous version's
        // running standby or kept stopped container — and then, only then, the incoming ones leave.
        List<ContainerInfo> back = previousRecorded && !previous.isEmpty() ? previous
                : fallbackPrevious(d, managed, incoming, env, service);
        // While a maintenance page serves, what served before goes back to running behind it, not to the alias.
        boolean pageServes = pages.serving(env, service).isPresent();
        for (ContainerInfo c : back) {
            if (!c.running()) {
                runtime.start(env.engine(), c.id());
            }
            if (!pageServes && !c.servesAs(env.network(), service.name())) {
                traffic.move(env, service, null, c.id());
            }
        }
        List<String> removed = new ArrayList<>();
        List<String> keptAgain = new ArrayList<>();
        for (ContainerInfo c : incoming) {
            if (created.contains(c.id())) {
                runtime.remove(env.engine(), c.id());
                managed.remove(c.id());
                removed.add(c.name());
            } else {
                // A kept container the rollback reused goes back to being kept: off the traffic path, and
                // stopped again if the rollback had started it.
                if (back.isEmpty()) {
                    continue;
                }
                runtime.disconnect(env.engine(), c.id(), env.network());
                if (restarted.contains(c.id())) {
                    runtime.stop(env.engine(), c.id(), java.time.Duration.ofSeconds(10));
                }
                keptAgain.add(c.name());
            }
        }
        moves.stream().filter(m -> m.state() != RunJournal.MoveState.UNDONE)
                .forEach(m -> journal.moved(d.id(), m.seq(), RunJournal.MoveState.UNDONE));
        Set<String> serving = new LinkedHashSet<>(ids(back));
        if (back.isEmpty()) {
            incoming.stream().filter(c -> !created.contains(c.id())).forEach(c -> serving.add(c.id()));
        }
        List<String> dropped = dropAliasesExcept(env, service, managed, serving);
        Set<String> standby = new LinkedHashSet<>();
        incoming.stream().filter(c -> reused.contains(c.id()) && !restarted.contains(c.id()))
                .forEach(c -> standby.add(c.id()));
        List<String> retired = retireStandbysExcept(d, env, service, serving, standby);
        String servingText = back.isEmpty() ? serving.isEmpty()
                ? "Nothing of " + service.name() + " was live before it, and nothing is now"
                : String.join(", ", serving.stream().map(managed::get).filter(java.util.Objects::nonNull)
                .map(LiveVersions::versionOf).distinct().toList()) + " serves " + service.name() + " alone"
                : LiveVersions.versionOf(back.getFirst()) + " serves " + service.name()
                + (trafficMoved ? " again" : " alone, as before");
        String did = (removed.isEmpty() ? "" : "; removed " + removed.size() + " container(s) it had created")
                + (keptAgain.isEmpty() ? "" : "; " + String.join(", ", keptAgain) + " is kept again")
                + done(dropped, retired);
        chat.say(d, intro + (trafficMoved ? "Traffic had moved but the deployment had not finished, so it was"
                + " switched back: " : "Traffic had not moved: ") + servingText + did + "."
                + (trafficMoved ? "" : " Request the deployment again when ready."));
        finish(d, trafficMoved ? DeploymentStatus.ROLLED_BACK : DeploymentStatus.FAILED, cause + "; "
                + servingText + ".");
    }

    /** Ends the deployment; the status is recorded even if the database hiccups (retried at the next pass). */
    private void finish(Deployment d, DeploymentStatus to, String detail) {
        lifecycle.finish(d, to, detail);
    }

    private static List<String> ids(List<RunJournal.RecordedContainer> recorded, RunJournal.Role role) {
        return recorded.stream().filter(r -> r.role() == role).map(RunJournal.RecordedContainer::containerId)
                .distinct().toList();
    }

    private static Set<String> ids(List<ContainerInfo> containers) {
        Set<String> ids = new LinkedHashSet<>();
        containers.forEach(c -> ids.add(c.id()));
        return ids;
    }

    private static String found(List<ContainerInfo> incoming, Set<String> created, long movesMade, long movesHalf,
                                boolean switchComplete, Environment env, Service service) {
        String containers = incoming.isEmpty() ? "no container of it"
                : incoming.stream().map(c -> c.name() + " (" + (created.contains(c.id()) ? "created" : "reused") + ", "
                + (c.running() ? "running, " + c.health().name().toLowerCase() : "stopped")
                + (c.servesAs(env.network(), service.name()) ? ", serving" : "") + ")")
                .collect(java.util.stream.Collectors.joining(", "));
        return containers + "; " + movesMade + " traffic move(s) made" + (movesHalf == 0 ? ""
                : ", " + movesHalf + " half-made") + (switchComplete ? "; the switch had completed" : "");
    }

    private static String done(List<String> dropped, List<String> retired) {
        return (dropped.isEmpty() ? "" : "; " + String.join(", ", dropped) + " left the traffic path")
                + (retired.isEmpty() ? "" : "; the older standby " + String.join(", ", retired) + " was stopped and kept");
    }

    private static List<ContainerInfo> othersServing(Map<String, ContainerInfo> managed, List<ContainerInfo> incoming,
                                                     Environment env, Service service) {
        return managed.values().stream().filter(c -> !incoming.contains(c) && c.servesAs(env.network(), service.name()))
                .sorted(Comparator.comparing(ContainerInfo::name)).toList();
    }

    /** Without records (a crash before they were written): what serves now, else the previous version. */
    private List<ContainerInfo> fallbackPrevious(Deployment d, Map<String, ContainerInfo> managed,
                                                 List<ContainerInfo> incoming, Environment env, Service service) {
        List<ContainerInfo> serving = othersServing(managed, incoming, env, service);
        if (!serving.isEmpty()) {
            return serving;
        }
        return managed.values().stream()
                .filter(c -> !incoming.contains(c) && d.previousVersion() != null
                        && LiveVersions.versionOf(c).equals(d.previousVersion()))
                .sorted(Comparator.comparing(ContainerInfo::running).reversed().thenComparing(LiveVersions.NEWEST_FIRST))
                .limit(Math.max(1, service.replicas()))
                .toList();
    }

    /** Exactly one version carries the alias: every other container that does gives it up (and stays attached). */
    private List<String> dropAliasesExcept(Environment env, Service service, Map<String, ContainerInfo> managed,
                                           Set<String> serving) {
        List<String> dropped = new ArrayList<>();
        for (ContainerInfo c : managed.values()) {
            if (!serving.contains(c.id()) && c.servesAs(env.network(), service.name())) {
                runtime.dropAliases(env.engine(), c.id(), env.network());
                dropped.add(c.name() + " (" + LiveVersions.versionOf(c) + ")");
            }
        }
        return dropped;
    }

    /**
     * One hot standby: of the running containers that do not serve, the given standby (or else the
     * newest version among them) keeps running; the others leave the network and are stopped, kept.
     */
    private List<String> retireStandbysExcept(Deployment d, Environment env, Service service, Set<String> serving,
                                              Set<String> standby) {
        List<ContainerInfo> idle = live.managed(env, service).stream()
                .filter(c -> c.running() && !serving.contains(c.id()) && !c.servesAs(env.network(), service.name()))
                .toList();
        Set<String> keep = new LinkedHashSet<>(standby);
        if (idle.stream().noneMatch(c -> keep.contains(c.id())) && !idle.isEmpty()) {
            String newest = LiveVersions.versionOf(idle.getFirst());
            long number = LiveVersions.deploymentNumber(idle.getFirst());
            idle.stream().filter(c -> LiveVersions.versionOf(c).equals(newest) && LiveVersions.deploymentNumber(c) == number)
                    .forEach(c -> keep.add(c.id()));
        }
        List<String> retired = new ArrayList<>();
        for (ContainerInfo c : idle) {
            if (keep.contains(c.id())) {
                continue;
            }
            journal.container(d.id(), c.id(), RunJournal.Role.RETIRED, c.name());
            runtime.disconnect(env.engine(), c.id(), env.network());
            runtime.stop(env.engine(), c.id(), java.time.Duration.ofSeconds(10));
            retired.add(c.name() + " (" + LiveVersions.versionOf(c) + ")");
        }
        return retired;
    }

    private static int indexOf(List<PipelineStep> plan, String name) {
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no step " + name);
    }

    private void removeHooks(Environment env, Deployment d) {
        // Deployment ids are per installation: the environment and service make sure it is this one's.
        runtime.containers(env.engine(), Map.of(Labels.MANAGED, "true", Labels.DEPLOYMENT, d.id(), Labels.ROLE, "hook",
                        Labels.ENVIRONMENT, env.name(), Labels.SERVICE, d.service()))
                .forEach(c -> runtime.remove(env.engine(), c.id()));
    }

    /**
     * Containers of runs that ended FAILED, ROLLED_BACK or CANCELLED and still linger (a crash mid-cleanup),
     * and hook containers of runs that ended. Candidates come from the engine state's latest listing and one
     * query for all their deployments, so a pass asks the engine nothing while there are none; an environment
     * with one is listed afresh, and only what that listing shows is removed.
     */
    private void removeLeftovers() {
        Map<Environment, List<ContainerInfo>> seen = new java.util.LinkedHashMap<>();
        for (Environment env : catalog.environments().values()) {
            // not listed yet (just started): ask the engine, as a candidate would
            seen.put(env, settled(engineState.lastListed(env).orElseGet(() -> listed(env))));
        }
        Map<String, Deployment> records = store.findAll(seen.values().stream().flatMap(List::stream)
                .map(c -> c.labels().get(Labels.DEPLOYMENT)).collect(java.util.stream.Collectors.toSet()));
        seen.forEach((env, candidates) -> {
            if (candidates.stream().noneMatch(c -> leftover(env, c, records))) {
                return;
            }
            try {
                for (ContainerInfo c : settled(listed(env))) {
                    if (leftover(env, c, records)) {
                        log.info("Removing leftover container {} of {}", c.name(), c.labels().get(Labels.DEPLOYMENT));
                        runtime.remove(env.engine(), c.id());
                    }
                }
            } catch (EngineUnavailableException e) {
                log.debug("Cannot look for leftovers in {}: {}", env.name(), e.getMessage());
            }
        });
    }

    /** Vitals' containers in the environment, asked of the engine; none when it does not answer. */
    private List<ContainerInfo> listed(Environment env) {
        try {
            return runtime.containers(env.engine(), Map.of(Labels.MANAGED, "true", Labels.ENVIRONMENT, env.name()));
        } catch (EngineUnavailableException e) {
            log.debug("Cannot look for leftovers in {}: {}", env.name(), e.getMessage());
            return List.of();
        }
    }

    /** Those of a deployment that no pipeline of this process runs and no reconciliation waits for. */
    private List<ContainerInfo> settled(List<ContainerInfo> containers) {
        return containers.stream().filter(c -> {
            String id = c.labels().get(Labels.DEPLOYMENT);
            return id != null && runner.active(id).isEmpty() && !pending.contains(id);
        }).toList();
    }

    /**
     * Only what this Vitals made (same deployment, environment and service as its records): a container of a
     * run that failed and does not serve, or a hook container of a run that ended.
     */
    private static boolean leftover(Environment env, ContainerInfo c, Map<String, Deployment> records) {
        Deployment d = records.get(c.labels().get(Labels.DEPLOYMENT));
        String serviceName = c.labels().get(Labels.SERVICE);
        if (d == null || !d.environment().equals(env.name()) || !d.service().equals(serviceName)) {
            return false;
        }
        boolean failedRun = d.status() == DeploymentStatus.FAILED || d.status() == DeploymentStatus.ROLLED_BACK
                || d.status() == DeploymentStatus.CANCELLED;
        boolean hookOfEndedRun = "hook".equals(c.labels().get(Labels.ROLE)) && d.status().terminal();
        boolean serving = serviceName != null && c.servesAs(env.network(), serviceName);
        return (failedRun && !serving) || hookOfEndedRun;
    }
}
