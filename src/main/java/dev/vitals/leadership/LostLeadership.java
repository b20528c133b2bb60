package dev.vitals.leadership;

import java.time.Instant;

/** This process no longer holds the leadership lock (its session ended or could not be checked). */
public record LostLeadership(Instant at, String reason) {
}
