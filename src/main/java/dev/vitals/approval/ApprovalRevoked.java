package dev.vitals.approval;

import java.time.Instant;

/** Someone withdrew their approval of a deployment before it started (e.g. removed their ✅). */
public record ApprovalRevoked(String deploymentId, String actor, String role, String detail, Instant at) {
}
