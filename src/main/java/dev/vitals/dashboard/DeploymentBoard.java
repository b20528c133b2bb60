package dev.vitals.dashboard;

import java.time.Instant;
import java.util.List;

/** What the dashboard reads of deployments and what runs: implemented by the deploy feature. */
public interface DeploymentBoard {

    /** Each service that runs (or ran) somewhere, per environment; engines that do not answer say so. */
    List<LiveService> liveServices();

    /** The latest deployments, newest first, each with its steps. */
    List<DeploymentRow> recentDeployments(int limit);

    /** Deployment locks held now and human freezes ({@code /lock}). */
    List<Lock> locks();

    /**
     * {@code health} in words (healthy, unhealthy, starting, "2/3 healthy", engine unreachable); {@code
     * hotStandby}: versions kept running off the traffic path; {@code since}: when the oldest live
     * container started (null when nothing is live).
     */
    record LiveService(String environment, String service, List<String> versions, String health, int containers,
                       Instant since, List<String> hotStandby) {
    }

    record DeploymentRow(String id, String kind, String service, String environment, String version, String status,
                         String requestedBy, Instant createdAt, Instant finishedAt, String detail, List<Step> steps) {
    }

    record Step(int seq, String name, String status, Instant startedAt, Instant finishedAt, String detail) {
    }

    /** {@code kind}: "deployment" (held by {@code holder}, a deployment id) or "freeze" (by a person, with a reason). */
    record Lock(String kind, String service, String environment, String holder, String reason, Instant since) {
    }
}
