package dev.vitals.leadership;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code vitals.event-retry-interval}: how long a failed event publication rests before it is delivered again (10 s). */
@ConfigurationProperties("vitals")
record EventRedeliveryProperties(@DefaultValue("10s") Duration eventRetryInterval) {
}
