package dev.vitals.deploy;

import dev.vitals.leadership.Leadership;
import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.catalog.DurationText;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Time-driven work: scheduled deployments start when due, approved ones that waited for a lock start
 * when it frees, what waited too long (for sign-off, its time or a lock) expires, and hot-standby containers are stopped
 * once their period is over (kept stopped for rollback).
 */
@Component
class DeploymentScheduler {
    private static final Logger log = LoggerFactory.getLogger(DeploymentScheduler.class);

    private final Catalog catalog;
    private final DeploymentStore store;
    private final Deployments deployments;
    private final DeploymentLifecycle lifecycle;
    private final PipelineRunner runner;
    private final LiveVersions live;
    private final ContainerRuntime runtime;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Leadership leadership;
    private final EngineState engineState;
    private final DeploymentChat chat;

    DeploymentScheduler(Catalog catalog, DeploymentStore store, Deployments deployments, DeploymentLifecycle lifecycle,
                        PipelineRunner runner, LiveVersions live, ContainerRuntime runtime, TransactionTemplate tx,
                        Clock clock, Leadership leadership, EngineState engineState, DeploymentChat chat) {
        this.engineState = engineState;
        this.chat = chat;
        this.tx = tx;
        this.leadership = leadership;
        this.catalog = catalog;
        this.store = store;
        this.deployments = deployments;
        this.lifecycle = lifecycle;
        this.runner = runner;
        this.live = live;
        this.runtime = runtime;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${vitals.scheduler-interval:5s}", initialDelayString = "${vitals.scheduler-interval:5s}")
    void tick() {
        if (!leadership.isActive()) {
            return;
        }
        Instant now = clock.instant();
        expire(now);
        startDue(DeploymentStatus.SCHEDULED, now);
        startDue(DeploymentStatus.APPROVED, now);
        retireStandbys(now);
    }

    /**
     * The services of the environment that may have a hot standby to stop: in the latest listing of the
     * engine state, a container of theirs runs off the traffic path. Only those are looked at (the database
     * and then the engine itself decide), so a tick costs nothing per service of a large catalog. Before the
     * first listing there are none: a standby waits a tick or two longer, past a period of minutes.
     */
    private List<Service> standbyCandidates(Environment env) {
        Set<String> names = new HashSet<>();
        for (ContainerInfo c : engineState.lastListed(env).orElse(List.of())) {
            String service = c.labels().get(Labels.SERVICE);
            if (service != null && c.running() && !c.labels().containsKey(Labels.ROLE)
                    && !c.servesAs(env.network(), service)) {
                names.add(service);
            }
        }
        return names.stream().sorted().map(catalog.services()::get).filter(java.util.Objects::nonNull).toList();
    }

    /**
     * Starts what is due, one claimed row at a time: {@code FOR UPDATE SKIP LOCKED} keeps two schedulers
     * (or a scheduler and a sign-off) from acting on one deployment, and the claim, the lock and the move
     * to RUNNING commit together. One that cannot start (its lock was taken meanwhile) is skipped this round.
     */
    private void startDue(DeploymentStatus status, Instant now) {
        Set<String> seen = new HashSet<>();
        while (true) {
            Optional<Deployment> claimed = tx.execute(t -> store.claimDue(status, now, seen).map(d -> {
                seen.add(d.id());
                if (chat.isOpening(d.id())) {
                    return d; // its request is still storing its card and thread; it starts it itself
                }
                if (d.status() == DeploymentStatus.SCHEDULED) {
                    lifecycle.move(d, DeploymentStatus.APPROVED, "vitals", "scheduled time reached")
                            .ifPresent(deployments::startOrWait);
                } else {
                    deployments.start(d, "vitals");
                }
                return d;
            }));
            if (claimed == null || claimed.isEmpty()) {
                return;
            }
        }
    }

    /**
     * Ends what waited too long, whatever it waited for: sign-off (PENDING_APPROVAL, from the request), its
     * scheduled time that passed while it could not start (SCHEDULED, from that time), or a lock (APPROVED,
     * from when it was cleared to start). Approvals that lapse meanwhile send it back to sign-off first.
     */
    private void expire(Instant now) {
        Duration expiry = catalog.defaults().requestExpiry();
        String waited = DurationText.format(expiry);
        for (Deployment d : store.withStatus(DeploymentStatus.PENDING_APPROVAL)) {
            if (d.createdAt().plus(expiry).isBefore(now)) {
                deployments.endBeforeStart(d.id(), DeploymentStatus.EXPIRED, "vitals", "not signed off within "
                        + waited + "; request it again if it is still wanted");
            }
        }
        for (Deployment d : store.withStatus(DeploymentStatus.SCHEDULED)) {
            if (d.notBefore() != null && d.notBefore().plus(expiry).isBefore(now)) {
                deployments.endBeforeStart(d.id(), DeploymentStatus.EXPIRED, "vitals", "could not start within "
                        + waited + " of its scheduled time; request it again if it is still wanted");
            }
        }
        for (Deployment d : store.withStatus(DeploymentStatus.APPROVED)) {
            if (d.updatedAt().plus(expiry).isBefore(now)) {
                deployments.endBeforeStart(d.id(), DeploymentStatus.EXPIRED, "vitals", "waited more than " + waited
                        + " for the deploy lock of " + d.service() + " in " + d.environment()
                        + "; request it again if it is still wanted");
            }
        }
    }

    private void retireStandbys(Instant now) {
        for (Environment env : catalog.environments().values()) {
            for (Service service : standbyCandidates(env)) {
                try {
                    if (store.lockHolder(service.name(), env.name()).isPresent()) {
                        continue;
                    }
                    Optional<Deployment> last = store.lastSucceeded(service.name(), env.name());
                    if (last.isEmpty() || last.get().finishedAt().plus(catalog.deploy().hotStandby()).isAfter(now)) {
                        continue;
                    }
                    for (ContainerInfo c : live.managed(env, service)) {
                        if (c.running() && !c.servesAs(env.network(), service.name())
                                && runner.active(c.labels().getOrDefault(Labels.DEPLOYMENT, "")).isEmpty()) {
                            // Off the network first: a stopped container must not hold an address it may not get back.
                            runtime.disconnect(env.engine(), c.id(), env.network());
                            runtime.stop(env.engine(), c.id(), Duration.ofSeconds(10));
                            deployments.say(last.get(), "💤 hot standby " + c.name() + " ("
                                    + LiveVersions.versionOf(c) + ") stopped after "
                                    + DurationText.format(catalog.deploy().hotStandby())
                                    + "; it is kept for a rollback within seconds.");
                        }
                    }
                } catch (EngineUnavailableException e) {
                    log.debug("Engine for {} unavailable: {}", env.name(), e.getMessage());
                }
            }
        }
    }
}
