package dev.vitals.deploy;

import java.time.Instant;

/** Whether a maintenance window covers a service in an environment at an instant. */
public interface MaintenanceWindows {
    boolean active(String environment, String service, Instant at);
}
