package dev.vitals.leadership;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code "vitals": {"status": "UP", "details": {"role": "active"|"standby"}}} in {@code /actuator/health}:
 * both roles are healthy; the role alone is shown, nothing about the other processes or the database.
 */
@Component("vitalsHealthIndicator")
class RoleHealthIndicator implements HealthIndicator {
    private final Leadership leadership;

    RoleHealthIndicator(Leadership leadership) {
        this.leadership = leadership;
    }

    @Override
    public Health health() {
        return Health.up().withDetail("role", leadership.role().word()).build();
    }
}
