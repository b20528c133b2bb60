package dev.vitals.maintenance;

import dev.vitals.deploy.MaintenanceWindows;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Until maintenance windows can be opened (the /maintenance commands), no window is ever active:
 * changes that need one are refused, which is the safe answer.
 */
@Component
class NoMaintenanceWindows implements MaintenanceWindows {
    @Override
    public boolean active(String environment, String service, Instant at) {
        return false;
    }
}
