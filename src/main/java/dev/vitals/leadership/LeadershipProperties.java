package dev.vitals.leadership;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code vitals.leadership.check-interval}: how often the active process proves it still holds the lock (1 s). */
@ConfigurationProperties("vitals.leadership")
record LeadershipProperties(@DefaultValue("1s") Duration checkInterval) {
}
