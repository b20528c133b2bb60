package dev.vitals.leadership;

import java.time.Instant;

/** This process took the leadership lock: from now on it runs pipelines, timers and reconciliation. */
public record BecameActive(Instant at) {
}
