package dev.vitals.deploy;

import dev.vitals.deploy.StepRecord.StepStatus;
import java.time.Duration;
import java.time.Instant;

/** A pipeline step ended, with its outcome and how long it took. */
public record DeploymentStepFinished(String deploymentId, String service, String environment, String step,
                                     StepStatus status, String detail, Duration took, Instant at) {
}
