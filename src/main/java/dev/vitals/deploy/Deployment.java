package dev.vitals.deploy;

import dev.vitals.catalog.Risk;
import dev.vitals.catalog.Strategy;
import java.time.Instant;

/**
 * One request to put a version of a service into an environment, or to roll it back. The image
 * digest is what the tag pointed at when the request was made; only that digest is ever started.
 * {@code rule} says, in words, which rule decided its sign-off when that is not the plain policy
 * (e.g. a rollback within the rollback rule, or a rollback that became a deploy); null otherwise.
 */
public record Deployment(
        String id,
        Kind kind,
        String service,
        String environment,
        String version,
        String image,
        String imageDigest,
        Risk risk,
        Strategy strategy,
        DeploymentStatus status,
        String requestedBy,
        String reason,
        Instant notBefore,
        String previousVersion,
        String cardChannel,
        String cardMessage,
        String threadId,
        String detail,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt,
        String rule) {

    public enum Kind { DEPLOY, ROLLBACK }

    Deployment with(DeploymentStatus newStatus, String newDetail, Instant at) {
        return new Deployment(id, kind, service, environment, version, image, imageDigest, risk, strategy, newStatus,
                requestedBy, reason, notBefore, previousVersion, cardChannel, cardMessage, threadId, newDetail,
                createdAt, at, newStatus.terminal() ? at : finishedAt, rule);
    }

    Deployment withChat(String channel, String message, String thread) {
        return new Deployment(id, kind, service, environment, version, image, imageDigest, risk, strategy, status,
                requestedBy, reason, notBefore, previousVersion, channel, message, thread, detail, createdAt,
                updatedAt, finishedAt, rule);
    }

    public String shortDigest() {
        return shortDigest(imageDigest);
    }

    /** {@code sha256:} and the first 12 hex digits, as Docker shows image ids. */
    static String shortDigest(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return "sha256:" + hex.substring(0, Math.min(12, hex.length()));
    }
}
