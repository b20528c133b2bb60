package dev.vitals.approval;

import java.time.Instant;

/**
 * Someone signed off on a deployment. {@code role} is the quorum slot the approval fills (null when
 * every slot it could fill is taken); {@code imageDigest} is the image it was given for, and it counts
 * for no other. {@code via} is how it was given: reaction, button or command.
 */
public record ApprovalGranted(String deploymentId, String actor, String role, String imageDigest, String via,
                              Instant at) {
}
