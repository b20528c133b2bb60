package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Hook;
import dev.vitals.catalog.DurationText;
import dev.vitals.catalog.Strategy;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.deploy.ContainerRuntime.ContainerSpec;
import dev.vitals.deploy.ContainerRuntime.Health;
import dev.vitals.deploy.ContainerRuntime.HealthCheck;
import dev.vitals.deploy.ContainerRuntime.OneShotResult;
import dev.vitals.secrets.Secrets;
import dev.vitals.chat.UserText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/** The pipeline's steps, built with what they need to act on the engine. */
@Component
class Steps {
    static final String PREFLIGHT = "preflight";
    static final String SNAPSHOT = "snapshot hook";
    static final String MIGRATION = "migration hook";
    static final String START_NEW = "start new";
    static final String WAIT_HEALTHY = "wait healthy";
    static final String SMOKE = "smoke hook";
    static final String SWITCH = "switch traffic";
    static final String VERIFY = "verify stable";
    static final String RETIRE = "retire old";
    static final String STOP_OLD = "stop old";
    static final String START_KEPT = "start kept";
    static final String AWAIT_WINDOW = "wait for window end";
    static final Duration POLL = Duration.ofMillis(200);
    /** How long the health gate waits on the engine's events before it looks at the containers itself. */
    static final Duration QUIET = Duration.ofSeconds(2);

    /** Steps that move traffic: once begun they cannot be stopped halfway, so a cancel cannot apply to them. */
    static boolean movesTraffic(String step) {
        return step.equals(SWITCH) || step.equals(STOP_OLD) || step.startsWith("replace replica");
    }

    private final ContainerRuntime runtime;
    private final TrafficSwitch traffic;
    private final MaintenanceWindows windows;
    private final DeploymentStore store;
    private final Catalog catalog;
    private final Clock clock;
    private final RunJournal journal;
    private final java.time.format.DateTimeFormatter times;
    private final PageSwitch pages;
    private final DeploymentChat chat;
    private final org.springframework.beans.factory.ObjectProvider<IncidentGate> incidents;

    Steps(ContainerRuntime runtime, TrafficSwitch traffic, MaintenanceWindows windows, DeploymentStore store,
          Catalog catalog, Clock clock, RunJournal journal, PageSwitch pages, DeploymentChat chat,
          @org.springframework.beans.factory.annotation.Value("${vitals.zone:UTC}") java.time.ZoneId zone,
          org.springframework.beans.factory.ObjectProvider<IncidentGate> incidents) {
        this.incidents = incidents;
        this.journal = journal;
        this.pages = pages;
        this.chat = chat;
        this.times = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").withZone(zone);
        this.runtime = runtime;
        this.traffic = traffic;
        this.windows = windows;
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** The steps of a deployment by its service's strategy. */
    List<PipelineStep> deploy(Run run) {
        List<PipelineStep> steps = new ArrayList<>();
        steps.add(preflight());
        steps.add(hook(SNAPSHOT, s -> s.hooks().snapshot()));
        steps.add(hook(MIGRATION, s -> s.hooks().migration()));
        Strategy strategy = run.deployment.strategy();
        if (strategy == Strategy.RECREATE) {
            steps.add(stopOld());
        }
        if (strategy == Strategy.ROLLING) {
            paged(run.service, steps);
            for (int i = 1; i <= run.service.replicas(); i++) {
                steps.add(replaceReplica(i, run.service.replicas()));
            }
            steps.add(hook(SMOKE, s -> s.hooks().smoke()));
        } else {
            steps.add(startNew());
            steps.add(waitHealthy());
            steps.add(hook(SMOKE, s -> s.hooks().smoke()));
            paged(run.service, steps);
            steps.add(switchTraffic());
        }
        steps.add(verifyStable());
        steps.add(retireOld());
        return steps;
    }

    /** A redeploy of an earlier digest: no hooks (migrations only go forward). */
    List<PipelineStep> redeploy(Run run) {
        return paged(run.service, preflight(), startNew(), waitHealthy(), switchTraffic(), verifyStable(), retireOld());
    }

    /** Back to a container that is still running off the traffic path: a switch only. */
    List<PipelineStep> switchBack(Run run) {
        return paged(run.service, aliasGuard(), switchTraffic(), verifyStable(), retireOld());
    }

    /** Back to a kept, stopped container: start it, gate on health, switch. */
    List<PipelineStep> restartKept(Run run) {
        return paged(run.service, aliasGuard(), startKept(), waitHealthy(), switchTraffic(), verifyStable(),
                retireOld());
    }

    /** A service with a maintenance page waits, before its traffic moves, for a window in which the page serves. */
    private void paged(Catalog.Service service, List<PipelineStep> steps) {
        if (service.maintenancePage().isPresent()) {
            steps.add(awaitWindowEnd());
        }
    }

    private List<PipelineStep> paged(Catalog.Service service, PipelineStep... plan) {
        List<PipelineStep> steps = new ArrayList<>();
        for (PipelineStep step : plan) {
            if (step.name().equals(SWITCH)) {
                paged(service, steps);
            }
            steps.add(step);
        }
        return List.copyOf(steps);
    }

    /**
     * While the service's maintenance page serves for an active window, the new version is ready but the
     * switch waits: at the window's end (or at once with {@code /maintenance end}) it goes from the page
     * to the new version. Skipped when no page serves.
     */
    PipelineStep awaitWindowEnd() {
        return new PipelineStep() {
            public String name() { return AWAIT_WINDOW; }

            public Duration timeout(Run run) { return catalog.maintenance().maxDuration().plusMinutes(10); }

            public boolean resumable() { return true; }

            public StepOutcome execute(Run run) throws InterruptedException {
                Optional<ContainerInfo> page = pages.serving(run.env, run.service);
                if (page.isEmpty()) {
                    return new StepOutcome.Skipped("no maintenance page serves " + run.service.name());
                }
                String window = page.get().labels().getOrDefault(Labels.WINDOW, "the window");
                Instant from = clock.instant();
                if (windows.active(run.env.name(), run.service.name(), from)) {
                    run.say("⏸ the maintenance page serves " + run.service.name() + " during " + window + "; "
                            + run.deployment.version() + " is ready and takes over when the window ends (/maintenance"
                            + " end " + window + " switches now).");
                    chat.refreshCard(run.deployment.id());
                }
                while (windows.active(run.env.name(), run.service.name(), clock.instant())
                        && !run.cancelRequested() && pages.serving(run.env, run.service).isPresent()) {
                    Thread.sleep(POLL.multipliedBy(5));
                    checkpoint();
                }
                String waited = DurationText.format(Duration.between(from, clock.instant()).truncatedTo(ChronoUnit.SECONDS));
                return new StepOutcome.Succeeded(run.cancelRequested() ? "a cancel came while waiting for " + window
                        : window + " has ended (waited " + waited + "): the switch goes from the maintenance page to "
                        + run.deployment.version());
            }
        };
    }

    PipelineStep preflight() {
        return new PipelineStep() {
            public String name() { return PREFLIGHT; }

            /**
             * Checks that each take one engine call, plus the environment's network when it does not exist yet:
             * the engine creates networks one at a time (about a second each with a pinned subnet), so twenty
             * first deploys into twenty new environments queue there for longer than the checks take.
             */
            public Duration timeout(Run run) { return Duration.ofMinutes(2); }

            public StepOutcome execute(Run run) {
                Deployment d = run.deployment;
                // the engine's checks side by side (begun by the request when the run starts from it), while the
                // database's are made here
                EngineChecks checks = run.takeEngineChecks().orElseGet(() -> engineChecks(d, run.env, run.service));
                var ping = checks.ping();
                var foreign = checks.foreign();
                var image = checks.image();
                var tagged = checks.tagged();
                Optional<DeploymentStore.Freeze> freeze = store.freeze(d.service(), d.environment());
                if (freeze.isPresent()) {
                    DeploymentStore.Freeze f = freeze.get();
                    return new StepOutcome.Failed(d.service() + " in " + d.environment() + " is locked by " + f.owner()
                            + " since " + f.since().truncatedTo(ChronoUnit.SECONDS) + ": " + UserText.quoted(f.reason())
                            + ". Ask them to /unlock " + d.service() + " " + d.environment() + " first.");
                }
                if (d.kind() == Deployment.Kind.DEPLOY) {
                    // An open P0/P1 on the service: only a rollback may change it until the incident is resolved.
                    Optional<String> incident = incidents.stream()
                            .map(g -> g.blocking(d.service(), d.environment()))
                            .flatMap(Optional::stream).findFirst();
                    if (incident.isPresent()) {
                        return new StepOutcome.Failed(incident.get());
                    }
                }
                String engineVersion;
                try {
                    engineVersion = SideBySide.join(ping);
                } catch (EngineUnavailableException e) {
                    return new StepOutcome.Failed(e.getMessage());
                }
                Optional<StepOutcome> refused = SideBySide.join(foreign);
                if (refused.isPresent()) {
                    return refused.get();
                }
                if (SideBySide.join(image).isEmpty()) {
                    return new StepOutcome.Failed("image " + d.image() + " (" + d.shortDigest()
                            + ") is no longer on the engine; request the deployment again once it is.");
                }
                if (d.kind() == Deployment.Kind.DEPLOY) {
                    Optional<ContainerRuntime.ImageInfo> tag = SideBySide.join(tagged);
                    if (tag.isEmpty() || !tag.get().id().equals(d.imageDigest())) {
                        return new StepOutcome.Failed("the tag " + d.image() + " now points at "
                                + tag.map(i -> Deployment.shortDigest(i.id())).orElse("nothing") + ", not at " + d.shortDigest()
                                + " that was requested"
                                + ". Approvals were for that digest only: request the deployment again.");
                    }
                }
                boolean policyWantsWindow = d.kind() == Deployment.Kind.DEPLOY
                        && catalog.policy(d.environment(), d.risk()).maintenanceWindow();
                if ((d.strategy() == Strategy.RECREATE || policyWantsWindow)
                        && !windows.active(d.environment(), d.service(), clock.instant())) {
                    String why = d.strategy() == Strategy.RECREATE
                            ? "recreate stops " + d.service() + " before the new version starts (downtime), so it runs"
                            + " only inside a maintenance window"
                            : d.risk().word() + "-risk deployments to " + d.environment() + " run only inside a"
                            + " maintenance window";
                    Optional<MaintenanceWindows.Upcoming> next = windows.next(d.environment(), d.service(),
                            clock.instant());
                    return new StepOutcome.Failed(why + ", and none is active for " + d.service() + " in "
                            + d.environment() + ". " + next.map(n -> "The next one, " + n.id() + ", runs "
                            + times.format(n.start()) + " – " + times.format(n.end()) + ": deploy again with at:"
                            + inside(n) + " (a time inside it), or once it has started.")
                            .orElse("None is scheduled: start one with /maintenance start <duration> <reason>"
                                    + " (or plan one with /maintenance schedule), then deploy again."));
                }
                if (!SideBySide.join(checks.network())) {
                    runtime.ensureNetwork(run.env.engine(), run.env.network());
                }
                return new StepOutcome.Succeeded("engine " + engineVersion + " answers; " + d.image() + " is "
                        + d.shortDigest() + " as requested; " + (run.previous.isEmpty() ? "nothing live yet"
                        : "live now: " + run.previousVersion()));
            }
        };
    }

    /** The preflight of a switch back: nothing else may answer as the service once traffic moves. */
    PipelineStep aliasGuard() {
        return new PipelineStep() {
            public String name() { return PREFLIGHT; }

            /**
             * Checks that each take one engine call, plus the environment's network when it does not exist yet:
             * the engine creates networks one at a time (about a second each with a pinned subnet), so twenty
             * first deploys into twenty new environments queue there for longer than the checks take.
             */
            public Duration timeout(Run run) { return Duration.ofMinutes(2); }

            public StepOutcome execute(Run run) {
                return refuseUnmanagedAliasHolders(run.deployment, run.env, run.service).orElseGet(() ->
                        new StepOutcome.Succeeded(
                        "only Vitals' containers answer as " + run.service.name() + " on " + run.env.network()));
            }
        };
    }

    /** A start time inside the window, as {@code at:} reads it (ISO, UTC). */
    private static String inside(MaintenanceWindows.Upcoming n) {
        return n.start().plusSeconds(60).truncatedTo(ChronoUnit.MINUTES).toString();
    }

    /**
     * The engine's side of a deploy's preflight, each check one call, made side by side. Only reads: they may
     * begin before the step is recorded as started, and a request that starts its deployment at once begins
     * them while its card is posted ({@link Run#withEngineChecks}).
     */
    record EngineChecks(CompletableFuture<String> ping, CompletableFuture<Optional<StepOutcome>> foreign,
                        CompletableFuture<Optional<ContainerRuntime.ImageInfo>> image,
                        CompletableFuture<Optional<ContainerRuntime.ImageInfo>> tagged,
                        CompletableFuture<Boolean> network) {
    }

    /** Begins the preflight's engine checks of {@code d}; the tag is looked at for a deploy only. */
    EngineChecks engineChecks(Deployment d, Catalog.Environment env, Catalog.Service service) {
        var engine = env.engine();
        return new EngineChecks(SideBySide.start(() -> runtime.ping(engine)),
                SideBySide.start(() -> refuseUnmanagedAliasHolders(d, env, service)),
                SideBySide.start(() -> runtime.image(engine, d.imageDigest())),
                d.kind() == Deployment.Kind.DEPLOY ? SideBySide.start(() -> runtime.image(engine, d.image()))
                        : CompletableFuture.completedFuture(Optional.empty()),
                SideBySide.start(() -> runtime.networkExists(engine, env.network())));
    }

    private Optional<StepOutcome> refuseUnmanagedAliasHolders(Deployment d, Catalog.Environment env,
                                                              Catalog.Service svc) {
        // Vitals gives its containers their own service's alias only: of its containers, only the service's
        // in another environment sharing this network can answer as it; any container of someone else can.
        String service = svc.name();
        java.util.function.Predicate<Map<String, String>> mayHoldTheAlias = labels ->
                !"true".equals(labels.get(Labels.MANAGED))
                        || service.equals(labels.get(Labels.SERVICE)) && !env.name().equals(labels.get(Labels.ENVIRONMENT));
        return LiveVersions.unmanagedRefusal(runtime.attachedTo(env.engine(), env.network(), mayHoldTheAlias),
                env, svc, d).map(StepOutcome.Failed::new);
    }

    static final int HOOK_OUTPUT_CHARS = 1500;

    PipelineStep hook(String name, Function<Catalog.Service, Optional<Hook>> which) {
        return new PipelineStep() {
            public String name() { return name; }

            public Duration timeout(Run run) {
                return which.apply(run.service).map(h -> h.timeout().plusSeconds(10)).orElse(Duration.ofSeconds(10));
            }

            public Optional<String> skipped(Run run) {
                return which.apply(run.service).isPresent() ? Optional.empty()
                        : Optional.of("no " + name + " configured for " + run.service.name());
            }

            public StepOutcome execute(Run run) {
                // the runner records a hook that is not configured as skipped (skipped(run)) and never runs it
                Hook hook = which.apply(run.service).orElseThrow();
                Deployment d = run.deployment;
                Map<String, String> env = new LinkedHashMap<>(hook.env());
                env.put("VITALS_SERVICE", d.service());
                env.put("VITALS_ENVIRONMENT", d.environment());
                env.put("VITALS_VERSION", d.version());
                env.put("VITALS_PREVIOUS_VERSION", run.previousVersion() == null ? "" : run.previousVersion());
                if (!run.incoming.isEmpty()) {
                    env.put("VITALS_TARGET", runtime.inspect(run.env.engine(), run.incoming.getFirst())
                            .map(ContainerInfo::name).orElse(""));
                }
                String kind = name.replace(" hook", "");
                Map<String, String> labels = labels(d);
                labels.put(Labels.ROLE, "hook");
                ContainerSpec spec = new ContainerSpec(run.env.name() + "-" + d.service() + "-" + kind + "-"
                        + d.id().toLowerCase() + "-" + Long.toString(clock.millis(), 36),
                        hook.image().isEmpty() ? d.imageDigest() : hook.image(), labels, env, hook.command(),
                        run.env.network(), List.of(), Optional.empty(), Map.of(), List.of(), run.service.resources());
                Instant started = clock.instant();
                OneShotResult result = runtime.runOnce(run.env.engine(), spec, hook.timeout());
                String took = DurationText.format(Duration.between(started, clock.instant()).truncatedTo(ChronoUnit.MILLIS));
                if (result.timedOut()) {
                    return hookFailed(name + " did not finish within " + DurationText.format(hook.timeout())
                            + " and was stopped", name, result);
                }
                if (result.exitCode() != 0) {
                    return hookFailed(name + " exited " + result.exitCode() + " after " + took, name, result);
                }
                return new StepOutcome.Succeeded(name + " exited 0 after " + took);
            }
        };
    }

    PipelineStep startNew() {
        return new PipelineStep() {
            public String name() { return START_NEW; }

            public Duration timeout(Run run) { return catalog.deploy().stepTimeout(); }

            public StepOutcome execute(Run run) throws InterruptedException {
                Started started = createAndStart(run, 1);
                return new StepOutcome.Succeeded("started " + started.name() + " from " + run.deployment.shortDigest());
            }
        };
    }

    PipelineStep startKept() {
        return new PipelineStep() {
            public String name() { return START_KEPT; }

            public Duration timeout(Run run) { return catalog.deploy().stepTimeout(); }

            public StepOutcome execute(Run run) throws InterruptedException {
                String id = run.incoming.getFirst();
                checkpoint();
                journal.container(run.deployment.id(), id, RunJournal.Role.RESTARTED, null);
                run.restarted.add(id);
                runtime.start(run.env.engine(), id);
                return new StepOutcome.Succeeded("started the kept container " + containerName(run, id));
            }
        };
    }

    PipelineStep waitHealthy() {
        return new PipelineStep() {
            public String name() { return WAIT_HEALTHY; }

            public Duration timeout(Run run) { return run.service.health().gateTimeout().plusSeconds(5); }

            public boolean resumable() { return true; }

            public StepOutcome execute(Run run) throws InterruptedException {
                return awaitHealthy(run, run.incoming);
            }
        };
    }

    PipelineStep switchTraffic() {
        return new PipelineStep() {
            public String name() { return SWITCH; }

            public Duration timeout(Run run) { return Duration.ofSeconds(30); }

            public StepOutcome execute(Run run) throws InterruptedException {
                long t0 = System.nanoTime();
                String to = run.incoming.getFirst();
                String from = run.previous.isEmpty() ? null : run.previous.getFirst().id();
                var page = pageServing(run);
                moveTraffic(run, from, to);
                for (ContainerInfo extra : run.previous.stream().skip(1).toList()) {
                    moveTraffic(run, extra.id(), to);
                }
                boolean fromPage = offThePage(run, SideBySide.join(page), to);
                long micros = (System.nanoTime() - t0) / 1000;
                return new StepOutcome.Succeeded(run.service.name() + " is now served by " + run.deployment.version()
                        + (fromPage ? " (from the maintenance page)" : "")
                        + (from == null ? "" : "; " + run.previousVersion() + " is off the traffic path") + " (switch took "
                        + String.format("%.1f", micros / 1000.0) + " ms)");
            }
        };
    }

    PipelineStep replaceReplica(int replica, int of) {
        return new PipelineStep() {
            public String name() { return "replace replica " + replica + "/" + of; }

            public Duration timeout(Run run) {
                return run.service.health().gateTimeout().plus(catalog.deploy().stepTimeout());
            }

            public StepOutcome execute(Run run) throws InterruptedException {
                Started started = createAndStart(run, replica);
                String id = started.id();
                StepOutcome health = awaitHealthy(run, List.of(id));
                if (!(health instanceof StepOutcome.Succeeded)) {
                    return health;
                }
                String from = run.previous.size() >= replica ? run.previous.get(replica - 1).id() : null;
                var page = pageServing(run);
                moveTraffic(run, from, id);
                offThePage(run, SideBySide.join(page), id);
                if (replica == of) {
                    for (ContainerInfo extra : run.previous.stream().skip(of).toList()) {
                        moveTraffic(run, extra.id(), id);
                    }
                }
                return new StepOutcome.Succeeded("replica " + replica + " (" + started.name() + ") healthy and serving"
                        + (from == null ? "" : "; an old " + run.previousVersion() + " replica is off the traffic path"));
            }
        };
    }

    PipelineStep stopOld() {
        return new PipelineStep() {
            public String name() { return STOP_OLD; }

            public Duration timeout(Run run) { return Duration.ofSeconds(60); }

            public StepOutcome execute(Run run) throws InterruptedException {
                for (ContainerInfo old : run.previous) {
                    checkpoint();
                    journal.container(run.deployment.id(), old.id(), RunJournal.Role.STOPPED, old.name());
                    runtime.disconnect(run.env.engine(), old.id(), run.env.network());
                    runtime.stop(run.env.engine(), old.id(), Duration.ofSeconds(10));
                    run.stopped.add(old.id());
                }
                return new StepOutcome.Succeeded(run.previous.isEmpty() ? "nothing was running"
                        : "stopped " + run.previous.size() + " container(s) of " + run.previousVersion()
                        + ": " + run.service.name() + " is down until the new version is healthy");
            }
        };
    }

    PipelineStep verifyStable() {
        return new PipelineStep() {
            public String name() { return VERIFY; }

            public Duration timeout(Run run) { return catalog.deploy().verifyStable().plusSeconds(30); }

            public boolean resumable() { return true; }

            public StepOutcome execute(Run run) throws InterruptedException {
                Instant until = clock.instant().plus(catalog.deploy().verifyStable());
                do {
                    for (String id : run.incoming) {
                        Optional<ContainerInfo> c = runtime.inspect(run.env.engine(), id);
                        if (c.isEmpty() || !c.get().running()) {
                            return new StepOutcome.Failed(containerName(run, id) + " stopped during verification"
                                    + c.map(i -> " (" + i.status() + ")").orElse(""));
                        }
                        if (c.get().health() == Health.UNHEALTHY) {
                            return new StepOutcome.Failed(containerName(run, id) + " became unhealthy during verification");
                        }
                        if (!c.get().servesAs(run.env.network(), run.service.name())) {
                            return new StepOutcome.Failed(containerName(run, id) + " no longer holds the alias "
                                    + run.service.name());
                        }
                    }
                    Thread.sleep(POLL);
                } while (clock.instant().isBefore(until));
                return new StepOutcome.Succeeded(run.deployment.version() + " stayed healthy and serving for "
                        + DurationText.format(catalog.deploy().verifyStable()));
            }
        };
    }

    PipelineStep retireOld() {
        return new PipelineStep() {
            public String name() { return RETIRE; }

            public Duration timeout(Run run) { return Duration.ofSeconds(60); }

            public StepOutcome execute(Run run) throws InterruptedException {
                List<String> retired = retireOlderStandbys(run);
                int pruned = prune(run);
                String retiredText = retired.isEmpty() ? "" : "; the older standby " + String.join(", ", retired)
                        + " was stopped and is kept";
                if (run.previous.isEmpty() || !run.stopped.isEmpty()) {
                    return new StepOutcome.Succeeded((run.stopped.isEmpty() ? "nothing to retire"
                            : run.previousVersion() + " is kept stopped for rollback") + retiredText + prunedText(pruned));
                }
                Instant until = clock.instant().plus(catalog.deploy().hotStandby());
                return new StepOutcome.Succeeded(run.previousVersion() + " keeps running off the traffic path as hot"
                        + " standby until " + until.truncatedTo(ChronoUnit.SECONDS) + " (/rollback "
                        + run.service.name() + " " + run.env.name() + " switches back at once)" + retiredText
                        + prunedText(pruned));
            }
        };
    }

    private static String prunedText(int pruned) {
        return pruned == 0 ? "" : "; removed " + pruned + " older container(s)";
    }

    /**
     * One hot standby: every running container of the service that neither serves now nor is the
     * version just replaced (an older standby) is taken off the network and stopped — kept for a
     * rollback, recorded as retired by this run. Returns their names.
     */
    List<String> retireOlderStandbys(Run run) throws InterruptedException {
        java.util.Set<String> keep = new java.util.HashSet<>(run.incoming);
        run.previous.forEach(c -> keep.add(c.id()));
        List<String> retired = new ArrayList<>();
        for (ContainerInfo c : runtime.containers(run.env.engine(), Map.of(Labels.MANAGED, "true",
                Labels.SERVICE, run.service.name(), Labels.ENVIRONMENT, run.env.name()))) {
            if (c.labels().containsKey(Labels.ROLE) || !c.running() || keep.contains(c.id())
                    || c.servesAs(run.env.network(), run.service.name())) {
                continue;
            }
            checkpoint();
            journal.container(run.deployment.id(), c.id(), RunJournal.Role.RETIRED, c.name());
            // Off the network first: a stopped container must not hold an address it may not get back.
            runtime.disconnect(run.env.engine(), c.id(), run.env.network());
            runtime.stop(run.env.engine(), c.id(), Duration.ofSeconds(10));
            retired.add(c.name() + " (" + LiveVersions.versionOf(c) + ")");
        }
        return retired;
    }

    /** Removes stopped containers of the service beyond the last {@code keepStopped}. */
    int prune(Run run) {
        List<ContainerInfo> all = runtime.containers(run.env.engine(), Map.of(Labels.MANAGED, "true",
                Labels.SERVICE, run.service.name(), Labels.ENVIRONMENT, run.env.name()));
        List<ContainerInfo> stoppedOnes = all.stream()
                .filter(c -> !c.labels().containsKey(Labels.ROLE) && !c.running() && !run.stopped.contains(c.id()))
                .sorted(LiveVersions.NEWEST_FIRST)
                .toList();
        int keep = catalog.deploy().keepStopped() * Math.max(1, run.service.replicas());
        int removed = 0;
        for (ContainerInfo c : stoppedOnes.stream().skip(keep).toList()) {
            runtime.remove(run.env.engine(), c.id());
            removed++;
        }
        return removed;
    }

    /**
     * Every traffic move is recorded as intended before it is made and as done after, so that a failure
     * (or a restarted Vitals) can undo exactly the moves that were made, half-made ones included.
     */
    private void moveTraffic(Run run, String from, String to) throws InterruptedException {
        checkpoint();
        // created by this run without the service's name, and not moved to yet: it serves nothing
        boolean fresh = run.created.contains(to) && run.moves.stream().noneMatch(m -> m.to().equals(to));
        int seq = journal.intend(run.deployment.id(), from, to);
        run.moves.add(new Run.Move(seq, from, to));
        if (fresh) {
            traffic.moveToNew(run.env, run.service, from, to);
        } else {
            traffic.move(run.env, run.service, from, to);
        }
        journal.moved(run.deployment.id(), seq, RunJournal.MoveState.DONE);
    }

    /** The maintenance page that serves the service, looked up while the step moves traffic (which leaves pages alone). */
    private CompletableFuture<Optional<ContainerInfo>> pageServing(Run run) {
        return SideBySide.start(() -> pages.serving(run.env, run.service));
    }

    /**
     * A maintenance page that still serves beside the new version (the window has ended, or was ended with
     * /maintenance end) leaves the traffic path through the same switch; the maintenance feature removes
     * it. Not a journaled move: undoing the deployment goes back to the live version, never to the page.
     */
    private boolean offThePage(Run run, Optional<ContainerInfo> page, String to) throws InterruptedException {
        if (page.isEmpty()) {
            return false;
        }
        checkpoint();
        traffic.move(run.env, run.service, page.get().id(), to);
        return true;
    }

    /** A step abandoned after its timeout makes no further change to the engine. */
    private static void checkpoint() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("the step was abandoned");
        }
    }

    /** The container this run created and started: its id and the name it was created with. */
    private record Started(String id, String name) {
    }

    /**
     * Creates and starts the replica's container. It is recorded as this run's while the engine starts it: the
     * record is for undoing the run, and until it is written the container's deployment label says the same to
     * reconciliation.
     */
    private Started createAndStart(Run run, int replica) throws InterruptedException {
        Deployment d = run.deployment;
        Catalog.Health h = run.service.health();
        HealthCheck check = new HealthCheck(h.command(), h.interval(), h.timeout(), h.retries(), h.startPeriod());
        ContainerSpec spec = new ContainerSpec(run.containerName(replica), d.imageDigest(), labels(d),
                run.service.env(), List.of(), run.env.network(), List.of(), Optional.of(check), Map.of(),
                run.service.volumes(), run.service.resources());
        checkpoint();
        String id = runtime.create(run.env.engine(), spec);
        run.created.add(id);
        run.incoming.add(id);
        checkpoint();
        var recorded = SideBySide.start(() -> {
            journal.container(d.id(), id, RunJournal.Role.CREATED, spec.name());
            return id;
        });
        try {
            runtime.start(run.env.engine(), id);
        } catch (RuntimeException e) {
            try {
                SideBySide.join(recorded);
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        SideBySide.join(recorded);
        return new Started(id, spec.name());
    }

    /**
     * The health gate, driven by the engine's health events: the transition to healthy ends the wait the
     * moment the engine reports it. The containers are inspected once when the wait begins (after the
     * event stream is open, so no transition falls in between) and again only when the engine has said
     * nothing for {@link #QUIET} (a container that exits sends no health event), or every {@link #POLL}
     * when the event stream cannot be opened.
     */
    private StepOutcome awaitHealthy(Run run, List<String> ids) throws InterruptedException {
        Instant start = clock.instant();
        Instant deadline = start.plus(run.service.health().gateTimeout());
        Gate gate = new Gate(run, ids, start);
        // A first look before the event stream opens: the container as this deployment started it, so one the
        // engine restarts while the stream opens is told apart.
        Optional<StepOutcome> failed = gate.look();
        if (failed.isPresent()) {
            return failed.get();
        }
        java.util.concurrent.BlockingQueue<ContainerRuntime.HealthEvent> events = new java.util.concurrent.LinkedBlockingQueue<>();
        ContainerRuntime.HealthStream stream = openHealthStream(run, ids, events);
        try {
            boolean look = true;
            while (true) {
                if (look) {
                    failed = gate.look();
                    if (failed.isPresent()) {
                        return failed.get();
                    }
                }
                boolean allHealthy = true;
                for (String id : ids) {
                    Health h = gate.seen.get(id);
                    if (h == Health.UNHEALTHY) {
                        return new StepOutcome.Failed(gate.names.get(id) + " is unhealthy: its health check failed "
                                + run.service.health().retries() + " times in a row");
                    }
                    allHealthy &= h == Health.HEALTHY || h == Health.NONE;
                }
                if (allHealthy) {
                    return new StepOutcome.Succeeded(ids.size() == 1 ? gate.names.get(ids.getFirst()) + " is healthy"
                            : ids.size() + " containers are healthy");
                }
                Instant now = clock.instant();
                if (!now.isBefore(deadline)) {
                    return new StepOutcome.Failed("not healthy within " + DurationText.format(run.service.health().gateTimeout()));
                }
                Duration wait = stream != null && !stream.broken() ? QUIET : POLL;
                Duration left = Duration.between(now, deadline);
                ContainerRuntime.HealthEvent event = events.poll(Math.max(1, Math.min(wait.toMillis(), left.toMillis())),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
                look = event == null || stream != null && stream.broken();
                while (event != null) {
                    gate.note(event.containerId(), event.health());
                    event = events.poll();
                }
            }
        } finally {
            if (stream != null) {
                stream.close();
            }
        }
    }

    /** What the health gate has seen of its containers: health, names, and when each was started. */
    private final class Gate {
        final Run run;
        final List<String> ids;
        final Instant start;
        final Map<String, Health> seen = new LinkedHashMap<>();
        final Map<String, String> names = new LinkedHashMap<>();
        final Map<String, Instant> started = new LinkedHashMap<>();

        Gate(Run run, List<String> ids, Instant start) {
            this.run = run;
            this.ids = ids;
            this.start = start;
        }

        /** Inspects each container; a failure if one is gone, exited, or was restarted since the first look. */
        Optional<StepOutcome> look() {
            for (String id : ids) {
                Optional<ContainerInfo> info = runtime.inspect(run.env.engine(), id);
                if (info.isEmpty()) {
                    return Optional.of(new StepOutcome.Failed("container " + AliasTrafficSwitch.shortId(id) + " disappeared"));
                }
                ContainerInfo c = info.get();
                names.put(id, c.name());
                note(id, c.health());
                if (!c.running()) {
                    return Optional.of(new StepOutcome.Failed(c.name() + " exited before it became healthy (" + c.status() + ")"));
                }
                // A container the engine restarted meanwhile (it stopped, or the engine itself restarted) is not
                // the one whose health this gate was watching.
                if (started.containsKey(id) && !java.util.Objects.equals(started.get(id), c.startedAt())) {
                    return Optional.of(new StepOutcome.Failed(c.name() + " was restarted before it became healthy (it"
                            + " stopped, or the engine restarted)"));
                }
                started.put(id, c.startedAt());
            }
            return Optional.empty();
        }

        void note(String id, Health health) {
            if (seen.put(id, health) != health) {
                run.say("health of " + names.getOrDefault(id, AliasTrafficSwitch.shortId(id)) + ": "
                        + health.name().toLowerCase() + " after "
                        + DurationText.format(Duration.between(start, clock.instant()).truncatedTo(ChronoUnit.MILLIS)));
            }
        }
    }

    /** The engine's health events for the service's containers, or null (then the gate polls) if it has none now. */
    private ContainerRuntime.HealthStream openHealthStream(Run run, List<String> ids,
                                                           java.util.concurrent.BlockingQueue<ContainerRuntime.HealthEvent> events) {
        java.util.Set<String> watched = java.util.Set.copyOf(ids);
        try {
            return runtime.watchHealth(run.env.engine(), Map.of(Labels.MANAGED, "true", Labels.SERVICE, run.service.name(),
                    Labels.ENVIRONMENT, run.env.name()), e -> {
                        if (watched.contains(e.containerId())) {
                            events.add(e);
                        }
                    });
        } catch (RuntimeException e) {
            // the inspections below say whether the engine answers at all; without events the gate polls
            return null;
        }
    }


    private String containerName(Run run, String id) {
        return runtime.inspect(run.env.engine(), id).map(ContainerInfo::name).orElse(AliasTrafficSwitch.shortId(id));
    }

    static Map<String, String> labels(Deployment d) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.SERVICE, d.service());
        labels.put(Labels.ENVIRONMENT, d.environment());
        labels.put(Labels.VERSION, d.version());
        labels.put(Labels.DEPLOYMENT, d.id());
        return labels;
    }

    /**
     * A hook's output may hold anything its script printed (a {@code set -x} shows credentials), so it
     * goes only to the deployment's thread, redacted and cut to {@value #HOOK_OUTPUT_CHARS} characters;
     * the step's detail, which the API and the audit log keep, only says where to find it.
     */
    static StepOutcome.Failed hookFailed(String what, String hookName, OneShotResult r) {
        String output = r.outputTail() == null ? "" : Secrets.redact(r.outputTail().strip());
        if (output.isEmpty()) {
            return new StepOutcome.Failed(what + "; it printed nothing");
        }
        if (output.length() > HOOK_OUTPUT_CHARS) {
            output = "…" + output.substring(output.length() - HOOK_OUTPUT_CHARS);
        }
        return new StepOutcome.Failed(what + "; its output is in the thread",
                "Last output of the " + hookName + " (secrets redacted):\n" + output);
    }
}
