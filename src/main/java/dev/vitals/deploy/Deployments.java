package dev.vitals.deploy;

import dev.vitals.leadership.Leadership;
import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.catalog.DurationText;
import dev.vitals.catalog.Risk;
import dev.vitals.chat.UserText;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deployments as the rest of Vitals sees them: request, start once signed off, cancel, roll back,
 * and read. Refusals are {@link DeploymentRefused} with a message that says what would be right.
 */
@org.springframework.stereotype.Service
public class Deployments {
    private final Catalog catalog;
    private final DeploymentStore store;
    private final DeploymentLifecycle lifecycle;
    private final DeploymentChat chat;
    private final PipelineRunner runner;
    private final Steps steps;
    private final LiveVersions live;
    private final ContainerRuntime runtime;
    private final List<SignOffGate> gates;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Leadership leadership;
    private final TransactionTemplate tx;
    /** The preflight checks a request began for the deployment it starts at once, until its run takes them. */
    private final java.util.Map<String, Steps.EngineChecks> begunChecks = new java.util.concurrent.ConcurrentHashMap<>();

    Deployments(Catalog catalog, DeploymentStore store, DeploymentLifecycle lifecycle, DeploymentChat chat,
                PipelineRunner runner, Steps steps, LiveVersions live, ContainerRuntime runtime,
                List<SignOffGate> gates, ApplicationEventPublisher events, Clock clock,
                Leadership leadership, TransactionTemplate tx) {
        this.tx = tx;
        this.leadership = leadership;
        this.catalog = catalog;
        this.store = store;
        this.lifecycle = lifecycle;
        this.chat = chat;
        this.runner = runner;
        this.steps = steps;
        this.live = live;
        this.runtime = runtime;
        this.gates = gates;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The deployment; one whose card is being posted right now is waited for until its request commits. Not found
     * at first, it is looked up again after the wait, even when nothing was being opened by then: the request may
     * have been stored between the first lookup and the wait.
     */
    public Optional<Deployment> find(String id) {
        Optional<Deployment> d = store.find(id);
        if (d.isPresent()) {
            return d;
        }
        chat.awaitStored(id);
        return store.find(id);
    }

    /** The deployment whose card this is; a card just posted is waited for as {@link #find} waits. */
    public Optional<Deployment> findByCard(String messageId) {
        Optional<Deployment> d = store.findByCard(messageId);
        if (d.isPresent()) {
            return d;
        }
        chat.awaitStored(messageId);
        return store.findByCard(messageId);
    }

    public List<Deployment> search(String service, String environment, String status, int limit) {
        return store.search(service, environment, status, limit);
    }

    public List<StepRecord> steps(String id) {
        return store.steps(id);
    }

    /**
     * Reads a deployment and holds its row until the caller's transaction ends, so a decision about it
     * (a sign-off) and a change of its status are made one after the other, in any process.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<Deployment> findForUpdate(String id) {
        return store.findForUpdate(id);
    }

    void say(Deployment d, String line) {
        chat.say(d, line);
    }

    /** A deploy as asked; {@code risk} null = not given (the catalog's floor or default applies). */
    record Request(String service, String version, String environment, Risk risk, String reason, Instant at,
                   String requestedBy) {
    }

    Deployment request(Request r) {
        return request(r, null);
    }

    /** A deploy; {@code rule}, when given, says on its card and in the audit why it is one (see RollbackRule). */
    private Deployment request(Request r, String rule) {
        refuseOnStandby();
        Service service = catalog.services().get(r.service());
        Environment env = catalog.environments().get(r.environment());
        Risk risk = RiskRule.effective(catalog, service.name(), env.name(), r.risk());
        String imageRef = service.imageRef(r.version());
        Optional<ContainerRuntime.ImageInfo> image;
        List<ContainerInfo> serving;
        try {
            var asked = SideBySide.start(() -> runtime.image(env.engine(), imageRef));
            serving = live.live(env, service);
            image = SideBySide.join(asked);
        } catch (EngineUnavailableException e) {
            throw new DeploymentRefused(e.getMessage() + " Nothing was requested.");
        }
        if (image.isEmpty()) {
            List<String> tags = runtime.tags(env.engine(), service.image());
            throw new DeploymentRefused("The image " + imageRef + " is not on the engine for " + env.name() + ". "
                    + (tags.isEmpty() ? "No version of " + service.image() + " is there."
                    : "Versions there: " + String.join(", ", tags) + "."));
        }
        refuseIfFrozenOrBusy(service.name(), env.name());
        Instant now = clock.instant();
        String previous = serving.isEmpty() ? null : LiveVersions.versionOf(serving.getFirst());
        Deployment draft = new Deployment(store.nextId(), Deployment.Kind.DEPLOY, service.name(), env.name(),
                r.version(), imageRef, image.get().id(), risk, service.strategy(), DeploymentStatus.APPROVED,
                r.requestedBy(), r.reason(), r.at(), previous, null, null, null, rule, now, now, null, rule);
        boolean needsSignOff = gates.stream().anyMatch(g -> g.required(draft));
        DeploymentStatus initial = needsSignOff ? DeploymentStatus.PENDING_APPROVAL
                : r.at() != null && r.at().isAfter(now) ? DeploymentStatus.SCHEDULED : DeploymentStatus.APPROVED;
        return open(draft.with(initial, rule, now), initial == DeploymentStatus.APPROVED, r.requestedBy());
    }

    /**
     * Stores a new deployment (on its own first: a database that does not answer refuses the request before
     * anything is posted), posts its card and thread outside any transaction, then in one transaction records
     * them, announces it and, when {@code startNow}, starts it with its lock. People may see the card before
     * that commit; {@link #find} waits for it, and the scheduler leaves it alone until then.
     */
    private Deployment open(Deployment d, boolean startNow, String actor) {
        // The scheduler would otherwise start a signed-off request from its record before it has a card and thread.
        chat.opening(d.id());
        if (startNow && d.kind() == Deployment.Kind.DEPLOY) {
            // The preflight's engine checks only read: they are made while the card is posted, for its first step.
            begunChecks.put(d.id(), steps.engineChecks(d, catalog.environments().get(d.environment()),
                    catalog.services().get(d.service())));
        }
        Deployment posted = d;
        Opened opened;
        try {
            store.insert(d);
            posted = chat.post(d);
            Deployment withChat = posted;
            opened = tx.execute(status -> openedAndStarted(withChat, startNow, actor));
        } finally {
            chat.stored(posted);
            begunChecks.remove(d.id());
        }
        if (opened.refusal() != null) {
            throw opened.refusal();
        }
        return opened.deployment();
    }

    /** What a request's transaction committed: the deployment, or (when it lost the lock) its refusal to throw. */
    private record Opened(Deployment deployment, DeploymentRefused refusal) {
        Opened(Deployment deployment) {
            this(deployment, null);
        }
    }

    /** Its card recorded, announced and, when {@code startNow}, started. */
    private Opened openedAndStarted(Deployment posted, boolean startNow, String actor) {
        store.updateChat(posted);
        lifecycle.announceNew(posted);
        if (!startNow) {
            return new Opened(posted);
        }
        return switch (start(posted, actor)) {
            case DeploymentLifecycle.Start.Running running -> new Opened(running.deployment());
            case DeploymentLifecycle.Start.MovedOn movedOn -> new Opened(movedOn.now());
            case DeploymentLifecycle.Start.LockHeld held -> {
                // Another deployment took the lock since the check: this one ends here, told so, rather than
                // starting later behind the requester's back. Refused once that is committed.
                String busy = busyMessage(posted.service(), posted.environment(), held.holder());
                lifecycle.move(posted, DeploymentStatus.CANCELLED, "vitals", busy + " Request it again then.");
                yield new Opened(posted, new DeploymentRefused(busy + " " + posted.id()
                        + " is cancelled; request it again then."));
            }
        };
    }

    /** A deployment's sign-off is complete: it starts now, or at its scheduled time. Idempotent. */
    @Transactional
    void signedOff(String id, String actor) {
        Deployment d = store.findForUpdate(id).orElse(null);
        if (d == null || d.status() != DeploymentStatus.PENDING_APPROVAL) {
            return;
        }
        boolean later = d.notBefore() != null && d.notBefore().isAfter(clock.instant());
        Optional<Deployment> moved = lifecycle.move(d, later ? DeploymentStatus.SCHEDULED : DeploymentStatus.APPROVED,
                actor, "sign-off complete");
        if (moved.isPresent() && !later) {
            startOrWait(moved.get());
        }
    }

    /**
     * Puts a deployment that was signed off but has not started (APPROVED or SCHEDULED) back to waiting
     * for sign-off, because a sign-off it counted on was withdrawn or lapsed. False when it started meanwhile.
     */
    @Transactional
    boolean reopenSignOff(String id, String actor, String detail) {
        Deployment d = store.findForUpdate(id).orElse(null);
        if (d == null || (d.status() != DeploymentStatus.APPROVED && d.status() != DeploymentStatus.SCHEDULED)) {
            return false;
        }
        return lifecycle.move(d, DeploymentStatus.PENDING_APPROVAL, actor, detail).isPresent();
    }

    /** Ends a deployment that has not started: rejected, expired or cancelled. False when it started or ended. */
    @Transactional
    boolean endBeforeStart(String id, DeploymentStatus to, String actor, String detail) {
        Deployment d = store.findForUpdate(id).orElse(null);
        if (d == null || d.status() == DeploymentStatus.RUNNING || d.status().terminal()) {
            return false;
        }
        return lifecycle.move(d, to, actor, detail).isPresent();
    }

    /**
     * Starts a signed-off deployment; when another one holds the lock it waits, visibly: the thread says so
     * and the card shows which deployment it waits for, until the lock frees, it is cancelled, or it expires.
     */
    void startOrWait(Deployment d) {
        if (start(d, "vitals") instanceof DeploymentLifecycle.Start.LockHeld held) {
            chat.say(d, "⏳ waiting: " + busyMessage(d.service(), d.environment(), held.holder()) + " " + d.id()
                    + " starts when that lock is released, unless it is cancelled first or waits longer than "
                    + DurationText.format(catalog.defaults().requestExpiry()) + ".");
        }
    }

    /**
     * Takes the lock and moves to RUNNING in one transaction (the caller's, when it has one), then launches
     * the pipeline once that committed. A deployment that needed sign-off and is no longer cleared (an
     * approval lapsed or was withdrawn meanwhile, or it was rejected) goes back to waiting instead.
     */
    DeploymentLifecycle.Start start(Deployment d, String actor) {
        refuseOnStandby();
        if (gates.stream().anyMatch(g -> g.required(d)) && !gates.stream().allMatch(g -> g.cleared(d))) {
            Optional<Deployment> back = lifecycle.move(d, DeploymentStatus.PENDING_APPROVAL, "vitals",
                    "its sign-off no longer holds (an approval lapsed or was withdrawn); it waits for sign-off again");
            return new DeploymentLifecycle.Start.MovedOn(back.orElseGet(() -> store.find(d.id()).orElse(d)));
        }
        DeploymentLifecycle.Start result = lifecycle.start(d, actor);
        if (result instanceof DeploymentLifecycle.Start.Running running) {
            DeploymentLifecycle.afterCommit(() -> launch(running.deployment()));
        }
        return result;
    }

    private void launch(Deployment r) {
        try {
            Environment env = catalog.environments().get(r.environment());
            Service service = catalog.services().get(r.service());
            List<ContainerInfo> previous = live.live(env, service).stream()
                    .sorted(Comparator.comparing(ContainerInfo::name)).toList();
            Run run = new Run(r, env, service, previous, line -> chat.say(r, line));
            Optional.ofNullable(begunChecks.remove(r.id())).ifPresent(run::withEngineChecks);
            runner.launch(run, r.kind() == Deployment.Kind.ROLLBACK ? rollbackPlan(run) : steps.deploy(run), 0);
        } catch (RuntimeException e) {
            // RUNNING with its lock but no pipeline: reconciliation brings it to a safe end.
            chat.say(r, "⚠️ " + r.id() + " could not begin (" + e.getMessage() + "); Vitals brings it to a safe end"
                    + " as soon as the engine answers.");
            events.publishEvent(new PipelineRunner.ReconciliationNeeded(r.id()));
        }
    }

    Deployment cancel(String id, String actor) {
        Deployment d = store.find(id).orElseThrow(() -> new DeploymentRefused("No deployment " + id
                + ". /history <service> lists recent ones."));
        if (d.status().terminal()) {
            throw new DeploymentRefused(id + " already ended (" + d.status() + "); nothing to cancel.");
        }
        if (d.status() == DeploymentStatus.RUNNING) {
            Run run = runner.active(id).orElseThrow(() -> new DeploymentRefused(id
                    + " is being reconciled after a restart; try again in a few seconds."));
            if (run.trafficMoved()) {
                throw new DeploymentRefused(id + " has already switched traffic to " + d.version()
                        + "; use /rollback " + d.service() + " " + d.environment() + " instead.");
            }
            Optional<StepRecord> moving = store.steps(id).stream()
                    .filter(s -> s.status() == StepRecord.StepStatus.RUNNING && Steps.movesTraffic(s.name()))
                    .reduce((a, b) -> b);
            if (moving.isPresent()) {
                // A traffic move cannot be stopped halfway; once it is done the new version serves.
                String why = id + " is in its step '" + moving.get().name() + "', which cannot be stopped halfway:"
                        + " when it completes " + d.version() + " serves " + d.service() + ", so a cancel can no"
                        + " longer apply (/rollback " + d.service() + " " + d.environment() + " then brings the"
                        + " previous version back); if it fails, traffic moves back by itself.";
                chat.say(d, "⏹ cancel by " + actor + " refused: " + why);
                throw new DeploymentRefused(why);
            }
            run.requestCancel(actor);
            chat.say(d, "⏹ cancel requested by " + actor + "; stopping before the next step.");
            return d;
        }
        lifecycle.move(d, DeploymentStatus.CANCELLED, actor, "cancelled by " + actor)
                .orElseThrow(() -> new DeploymentRefused(id + " changed state meanwhile; look at its card."));
        return store.find(id).orElse(d);
    }

    record RollbackRequest(String service, String environment, String toVersion, String reason, String requestedBy) {
    }

    /**
     * Rolls back to the previous (or the named) version: a switch only when it still runs as hot
     * standby, a start + health gate + switch of a kept container, else a redeploy of its digest. Within
     * the rollback rule (see {@link RollbackRule}) it needs no sign-off unless the environment asks for
     * it; otherwise it becomes a deploy of that version under the environment's policy.
     */
    Deployment rollback(RollbackRequest r) {
        Service service = catalog.services().get(r.service());
        Environment env = catalog.environments().get(r.environment());
        List<ContainerInfo> serving;
        List<ContainerInfo> managed;
        try {
            serving = live.live(env, service);
            managed = live.managed(env, service);
        } catch (EngineUnavailableException e) {
            throw new DeploymentRefused(e.getMessage() + " Nothing was rolled back.");
        }
        refuseOnStandby();
        refuseIfFrozenOrBusy(service.name(), env.name());
        String current = serving.isEmpty() ? null : LiveVersions.versionOf(serving.getFirst());
        String target = r.toVersion() != null ? r.toVersion() : previousVersion(service.name(), env.name(), current)
                .orElseThrow(() -> new DeploymentRefused("There is no earlier successful version of " + service.name()
                        + " in " + env.name() + " to roll back to. Name one with to:<version>."));
        if (target.equals(current)) {
            throw new DeploymentRefused(service.name() + " in " + env.name() + " already runs " + target + ".");
        }
        List<ContainerInfo> kept = kept(managed, env, service, target);
        List<Deployment> succeeded = store.search(service.name(), env.name(), DeploymentStatus.SUCCEEDED.name(), 200)
                .stream().filter(d -> d.version().equals(target)).toList();
        String image = service.imageRef(target);
        RollbackRule.Candidate runs;
        if (!kept.isEmpty()) {
            runs = new RollbackRule.Candidate(kept.getFirst().imageId(), "the kept container " + kept.getFirst().name());
        } else {
            // What the tag points at now; with the tag gone, the image that succeeded, if still on the engine.
            runs = runtime.image(env.engine(), image).map(i -> new RollbackRule.Candidate(i.id(), "the tag " + image))
                    .or(() -> succeeded.stream().filter(d -> runtime.image(env.engine(), d.imageDigest()).isPresent())
                            .findFirst().map(d -> new RollbackRule.Candidate(d.imageDigest(), "the image of " + d.id())))
                    .orElseThrow(() -> new DeploymentRefused("Neither a kept container nor the image " + image
                            + " is on the engine for " + env.name() + "; nothing to roll back to."));
        }
        Risk risk = RiskRule.effective(catalog, service.name(), env.name(), null);
        Catalog.Policy deployPolicy = catalog.policy(env.name(), risk);
        RollbackRule.Decision decision = RollbackRule.decide(target, env.name(), runs, succeeded,
                catalog.rollbackPolicy(env.name()), deployPolicy.needsApproval() || !deployPolicy.checklist().isEmpty());
        if (!decision.within()) {
            return request(new Request(service.name(), target, env.name(), null, r.reason(), null, r.requestedBy()),
                    decision.line());
        }
        Instant now = clock.instant();
        Deployment draft = new Deployment(store.nextId(), Deployment.Kind.ROLLBACK, service.name(), env.name(), target,
                image, runs.digest(), risk, service.strategy(), DeploymentStatus.APPROVED, r.requestedBy(), r.reason(),
                null, current, null, null, null, decision.line(), now, now, null, decision.line());
        boolean needsSignOff = gates.stream().anyMatch(g -> g.required(draft));
        return open(needsSignOff ? draft.with(DeploymentStatus.PENDING_APPROVAL, decision.line(), now) : draft,
                !needsSignOff, r.requestedBy());
    }

    /** Containers of the target version kept off the traffic path, the running ones first, newest first. */
    private static List<ContainerInfo> kept(List<ContainerInfo> managed, Environment env, Service service,
                                            String target) {
        return managed.stream()
                .filter(c -> LiveVersions.versionOf(c).equals(target) && !c.servesAs(env.network(), service.name()))
                .sorted(Comparator.comparing(ContainerInfo::running).reversed()
                        .thenComparing(LiveVersions.NEWEST_FIRST))
                .toList();
    }

    /**
     * How a rollback that may start gets back: to a kept container of its digest (a switch only while it
     * still runs, else start + health gate + switch), or a redeploy of its digest.
     */
    private List<PipelineStep> rollbackPlan(Run run) {
        Deployment d = run.deployment;
        List<ContainerInfo> kept = kept(live.managed(run.env, run.service), run.env, run.service, d.version()).stream()
                .filter(c -> c.imageId().equals(d.imageDigest())).toList();
        if (!kept.isEmpty() && run.service.replicas() == 1) {
            run.incoming.add(kept.getFirst().id());
            if (kept.getFirst().running()) {
                run.say("↩ " + d.version() + " is still running as hot standby: switching back.");
                return steps.switchBack(run);
            }
            run.say("↩ starting the kept " + d.version() + " container, then switching back.");
            return steps.restartKept(run);
        }
        run.say("↩ redeploying " + d.version() + " (" + d.shortDigest() + ").");
        return steps.redeploy(run);
    }

    private Optional<String> previousVersion(String service, String environment, String current) {
        return store.search(service, environment, "SUCCEEDED", 200).stream()
                .map(Deployment::version)
                .filter(v -> !v.equals(current))
                .findFirst();
    }

    /** Only the active Vitals process starts pipelines (it may have lost the lock since the command came in). */
    private void refuseOnStandby() {
        if (!leadership.isActive()) {
            throw new DeploymentRefused("this Vitals process is the standby (read-only) now; nothing was started."
                    + " The active process runs deployments; try again in a few seconds.");
        }
    }

    private void refuseIfFrozenOrBusy(String service, String environment) {
        store.freeze(service, environment).ifPresent(f -> {
            throw new DeploymentRefused(service + " in " + environment + " is locked by " + f.owner() + ": "
                    + UserText.quoted(f.reason()) + ". Nothing can deploy there until " + f.owner() + " (or a devops-lead) runs /unlock "
                    + service + " " + environment + ".");
        });
        store.lockHolder(service, environment).ifPresent(holder -> {
            throw new DeploymentRefused(busyMessage(service, environment, holder));
        });
    }

    private String busyMessage(String service, String environment, String holderId) {
        String who = store.find(holderId).map(h -> " (" + h.version() + ", requested by " + h.requestedBy() + ")")
                .orElse("");
        return service + " in " + environment + " is being deployed by " + holderId + who
                + ". One deployment at a time: wait for it to finish, or /cancel " + holderId + ".";
    }
}
