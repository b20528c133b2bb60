package dev.vitals.approval;

import java.time.Instant;

/** A checklist item of a deployment's policy was ticked; {@code actor} is "vitals" for items it verified itself. */
public record ChecklistItemTicked(String deploymentId, String actor, String item, String detail, Instant at) {
}
