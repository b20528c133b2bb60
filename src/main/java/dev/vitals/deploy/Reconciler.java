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
import java.time.Clock;
import java.util.Comparator;
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
 * After a restart, brings every deployment that was RUNNING to a safe place by what the engine shows:
 * resumed when it stood in a step that can simply run again, otherwise ended with exactly one version
 * serving — the old one, or the new one if the switch had completed and it is healthy. Leftover hook
 * containers and containers of failed runs are removed.
 */
@Component
class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final Set<String> TRAFFIC_STEPS = Set.of(Steps.SWITCH, Steps.STOP_OLD);

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
    private final Leadership leadership;
    /** Deployments found RUNNING at start that still await reconciliation (the engine may be down). */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Of those, the ones this process gave up on because the engine stopped answering. */
    private final Set<String> engineLost = ConcurrentHashMap.newKeySet();
    private final ReentrantLock reconciling = new ReentrantLock();

    Reconciler(Catalog catalog, DeploymentStore store, DeploymentLifecycle lifecycle, DeploymentChat chat,
               PipelineRunner runner, Steps steps, LiveVersions live, ContainerRuntime runtime,
               TrafficSwitch traffic, Clock clock, Leadership leadership) {
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
                log.error("Reconciling {} failed", id, e);
                pending.remove(id);
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

        List<ContainerInfo> managed = live.managed(env, service);
        List<ContainerInfo> mine = managed.stream().filter(c -> d.id().equals(c.labels().get(Labels.DEPLOYMENT)))
                .sorted(Comparator.comparing(ContainerInfo::name)).toList();
        List<ContainerInfo> others = managed.stream().filter(c -> !mine.contains(c)).toList();
        List<ContainerInfo> othersServing = others.stream().filter(c -> c.servesAs(env.network(), service.name())).toList();
        boolean trafficMoved = records.stream().anyMatch(s -> s.status() == StepStatus.SUCCEEDED
                && (TRAFFIC_STEPS.contains(s.name()) || s.name().startsWith("replace replica")));
        boolean switchComplete = records.stream().anyMatch(s -> s.status() == StepStatus.SUCCEEDED
                && (s.name().equals(Steps.SWITCH) || s.name().equals("replace replica " + service.replicas() + "/"
                + service.replicas())));
        boolean lost = engineLost.remove(d.id());
        String intro = lost ? "⚠️ The engine answers again after it was lost during " + where + ". "
                : "⚠️ Vitals restarted while " + d.id() + " was in " + where + ". ";

        boolean resumable = d.kind() == Deployment.Kind.DEPLOY && d.strategy() == Strategy.BLUE_GREEN
                && interrupted.isPresent() && (interrupted.get().name().equals(Steps.WAIT_HEALTHY)
                || interrupted.get().name().equals(Steps.VERIFY))
                && mine.size() == 1 && mine.getFirst().running();
        if (resumable) {
            boolean afterSwitch = interrupted.get().name().equals(Steps.VERIFY);
            List<ContainerInfo> previous = afterSwitch
                    ? others.stream().filter(c -> c.running() && LiveVersions.versionOf(c).equals(d.previousVersion()))
                    .limit(1).toList()
                    : othersServing;
            Run run = new Run(d, env, service, previous, line -> chat.say(d, line));
            run.created.add(mine.getFirst().id());
            run.incoming.add(mine.getFirst().id());
            if (afterSwitch) {
                run.moves.add(new Run.Move(previous.isEmpty() ? null : previous.getFirst().id(), mine.getFirst().id()));
            }
            List<PipelineStep> plan = steps.deploy(run);
            int from = indexOf(plan, interrupted.get().name());
            chat.say(d, intro + "The new container is still there, so the pipeline resumes at "
                    + interrupted.get().name() + ".");
            runner.launch(run, plan, from);
            return;
        }

        if (switchComplete && !mine.isEmpty() && mine.stream().allMatch(c -> c.running() && c.health() != Health.UNHEALTHY
                && c.health() != Health.STARTING && c.servesAs(env.network(), service.name()))) {
            for (ContainerInfo old : othersServing) {
                runtime.disconnect(env.engine(), old.id(), env.network());
            }
            chat.say(d, intro + "The switch had completed and " + d.version() + " is healthy, so it stays live"
                    + (othersServing.isEmpty() ? "." : "; the old version left the network."));
            lifecycle.finish(d, DeploymentStatus.SUCCEEDED, "completed after a restart of Vitals: " + d.version()
                    + " is live and healthy.");
            return;
        }

        if (trafficMoved || othersServing.isEmpty()) {
            // Put the previous version back: running standby first, else a kept stopped container.
            List<ContainerInfo> candidates = others.stream()
                    .filter(c -> d.previousVersion() != null && LiveVersions.versionOf(c).equals(d.previousVersion()))
                    .sorted(Comparator.comparing(ContainerInfo::running).reversed()
                            .thenComparing(LiveVersions.NEWEST_FIRST))
                    .limit(Math.max(1, service.replicas()))
                    .toList();
            for (ContainerInfo c : candidates) {
                if (!c.running()) {
                    runtime.start(env.engine(), c.id());
                }
                if (!c.servesAs(env.network(), service.name())) {
                    traffic.move(env, service, null, c.id());
                }
            }
            mine.forEach(c -> runtime.remove(env.engine(), c.id()));
            String back = candidates.isEmpty() ? "Nothing of " + service.name() + " was live before it, and nothing is now."
                    : d.previousVersion() + " serves " + service.name() + " again";
            chat.say(d, intro + "Traffic had moved but the deployment had not finished, so it was switched back: "
                    + back + ".");
            lifecycle.finish(d, trafficMoved ? DeploymentStatus.ROLLED_BACK : DeploymentStatus.FAILED,
                    (lost ? "the engine was lost during " : "interrupted by a restart of Vitals during ") + where + "; "
                            + back + ".");
            return;
        }

        mine.forEach(c -> runtime.remove(env.engine(), c.id()));
        String serving = String.join(", ", othersServing.stream().map(LiveVersions::versionOf).distinct().toList());
        chat.say(d, intro + "Removed " + mine.size() + " half-started container(s); " + serving + " serves "
                + service.name() + " alone, as before. Request the deployment again when ready.");
        lifecycle.finish(d, DeploymentStatus.FAILED, (lost ? "the engine was lost during "
                : "interrupted by a restart of Vitals during ") + where + "; " + serving + " still serves alone.");
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
        runtime.containers(env.engine(), Map.of(Labels.MANAGED, "true", Labels.DEPLOYMENT, d.id(), Labels.ROLE, "hook"))
                .forEach(c -> runtime.remove(env.engine(), c.id()));
    }

    /** Containers of runs that ended FAILED, ROLLED_BACK or CANCELLED and still linger (a crash mid-cleanup). */
    private void removeLeftovers() {
        for (Environment env : catalog.environments().values()) {
            try {
                for (ContainerInfo c : runtime.containers(env.engine(), Map.of(Labels.MANAGED, "true",
                        Labels.ENVIRONMENT, env.name()))) {
                    String id = c.labels().get(Labels.DEPLOYMENT);
                    if (id == null || runner.active(id).isPresent() || pending.contains(id)) {
                        continue;
                    }
                    // Only what this Vitals made: same deployment, environment and service as its records.
                    Optional<Deployment> d = store.find(id).filter(x -> x.environment().equals(env.name())
                            && x.service().equals(c.labels().get(Labels.SERVICE)));
                    if (d.isEmpty()) {
                        continue;
                    }
                    boolean failedRun = d.map(x -> x.status() == DeploymentStatus.FAILED
                            || x.status() == DeploymentStatus.ROLLED_BACK || x.status() == DeploymentStatus.CANCELLED)
                            .orElse(false);
                    boolean hookOfEndedRun = "hook".equals(c.labels().get(Labels.ROLE)) && d.get().status().terminal();
                    String serviceName = c.labels().get(Labels.SERVICE);
                    boolean serving = serviceName != null && c.servesAs(env.network(), serviceName);
                    if ((failedRun && !serving) || hookOfEndedRun) {
                        log.info("Removing leftover container {} of {}", c.name(), id);
                        runtime.remove(env.engine(), c.id());
                    }
                }
            } catch (EngineUnavailableException e) {
                log.debug("Cannot look for leftovers in {}: {}", env.name(), e.getMessage());
            }
        }
    }
}
