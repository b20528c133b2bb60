package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Service;
import dev.vitals.catalog.DurationText;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.leadership.Leadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Time-driven work: scheduled deployments start when due, approved ones that waited for a lock start
 * when it frees, requests that were never signed off expire, and hot-standby containers are stopped
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
    private final Clock clock;
    private final Leadership leadership;

    DeploymentScheduler(Catalog catalog, DeploymentStore store, Deployments deployments, DeploymentLifecycle lifecycle,
                        PipelineRunner runner, LiveVersions live, ContainerRuntime runtime, Clock clock,
                        Leadership leadership) {
        this.catalog = catalog;
        this.store = store;
        this.deployments = deployments;
        this.lifecycle = lifecycle;
        this.runner = runner;
        this.live = live;
        this.runtime = runtime;
        this.clock = clock;
        this.leadership = leadership;
    }

    @Scheduled(fixedDelayString = "${vitals.scheduler-interval:5s}", initialDelayString = "${vitals.scheduler-interval:5s}")
    void tick() {
        if (!leadership.isActive()) {
            return;
        }
        Instant now = clock.instant();
        for (Deployment d : store.withStatus(DeploymentStatus.SCHEDULED)) {
            if (d.notBefore() == null || !d.notBefore().isAfter(now)) {
                lifecycle.move(d, DeploymentStatus.APPROVED, "vitals", "scheduled time reached")
                        .ifPresent(deployments::startOrWait);
            }
        }
        for (Deployment d : store.withStatus(DeploymentStatus.APPROVED)) {
            if (store.lockHolder(d.service(), d.environment()).isEmpty()) {
                deployments.startOrWait(d);
            }
        }
        Duration expiry = catalog.defaults().requestExpiry();
        for (Deployment d : store.withStatus(DeploymentStatus.PENDING_APPROVAL)) {
            if (d.createdAt().plus(expiry).isBefore(now)) {
                lifecycle.move(d, DeploymentStatus.EXPIRED, "vitals", "not signed off within "
                        + DurationText.format(expiry) + "; request it again if it is still wanted");
            }
        }
        retireStandbys(now);
    }

    private void retireStandbys(Instant now) {
        for (Environment env : catalog.environments().values()) {
            for (Service service : catalog.services().values()) {
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
