package dev.vitals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The system clock plus an offset a test can move forward: time keeps running (health gates and polls
 * work as usual), and a test jumps to the instant a timer is due instead of waiting for it.
 */
public final class MovableClock extends Clock {
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("Vitals reads instants; the zone is VITALS_ZONE");
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    /** Moves the clock to {@code at} (never back). */
    public void moveTo(Instant at) {
        offset.updateAndGet(o -> {
            Duration wanted = Duration.between(Instant.now(), at);
            return wanted.compareTo(o) > 0 ? wanted : o;
        });
    }

    public void advance(Duration by) {
        offset.updateAndGet(o -> o.plus(by));
    }

    /** Replaces the application's clock in a test context. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {
        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }
}
