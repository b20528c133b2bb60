package dev.vitals.deploy;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Test-only pauses in the pipeline, so a fault test can kill Vitals at an exact point. Read only when
 * {@code vitals.fault-injection.pause-at} (env {@code VITALS_FAULT_INJECTION_PAUSE_AT}) is set: a
 * comma-separated list of {@code [<environment>/|<service>/]<step name>[:before|:after|:mid]}. {@code before}
 * blocks once the step is recorded as started, {@code after} once it did its work but before that is
 * recorded, {@code mid} inside a traffic move, after the new container took the alias and before the
 * old one gave it up. A paused pipeline says so in its thread and blocks until Vitals stops.
 */
@Component
@EnableConfigurationProperties(FaultInjectionProperties.class)
class FaultInjection {
    private static final Logger log = LoggerFactory.getLogger(FaultInjection.class);

    enum Point { BEFORE, AFTER, MID }

    private final Set<String> pauseAt;
    private final ThreadLocal<Run> currentRun = new ThreadLocal<>();
    private final ThreadLocal<String> currentStep = new ThreadLocal<>();

    FaultInjection(FaultInjectionProperties properties) {
        this.pauseAt = Arrays.stream(properties.pauseAt().split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.matches(".*:(before|after|mid)$") ? s : s + ":before")
                .collect(Collectors.toUnmodifiableSet());
        if (!this.pauseAt.isEmpty()) {
            log.warn("FAULT INJECTION is on: pipelines pause at {}", this.pauseAt);
        }
    }

    /** Deployments held inside a step (a traffic move half made): their step has no timeout. */
    private final java.util.Set<String> heldInStep = java.util.concurrent.ConcurrentHashMap.newKeySet();

    boolean holdsInStep(Run run) {
        return heldInStep.contains(run.deployment.id());
    }

    boolean enabled() {
        return !pauseAt.isEmpty();
    }

    /** Blocks the calling pipeline thread for good when the point is configured for this run. */
    void pause(Run run, String step, Point point) throws InterruptedException {
        if (pauseAt.isEmpty()) {
            return;
        }
        String at = step + ":" + point.name().toLowerCase();
        if (!pauseAt.contains(at) && !pauseAt.contains(run.env.name() + "/" + at)
                && !pauseAt.contains(run.service.name() + "/" + at)) {
            return;
        }
        log.warn("FAULT INJECTION: {} paused at {}", run.deployment.id(), at);
        run.say("⏸ fault injection: paused at " + at);
        CountDownLatch never = new CountDownLatch(1);
        if (point != Point.MID) {
            never.await();
        }
        // Inside a step: the step's timeout must not end the pause and let undo finish the move, nor
        // close the engine connections that every other pipeline is using.
        heldInStep.add(run.deployment.id());
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                log.debug("FAULT INJECTION: {} stays paused at {}", run.deployment.id(), at);
            }
        }
    }

    /** Runs a step's work, so that a {@link Point#MID} pause inside a traffic move knows the step. */
    <T> T within(Run run, String step, Callable<T> work) throws Exception {
        if (pauseAt.isEmpty()) {
            return work.call();
        }
        currentRun.set(run);
        currentStep.set(step);
        try {
            return work.call();
        } finally {
            currentRun.remove();
            currentStep.remove();
        }
    }

    /** Called inside a traffic move, between its two halves. */
    void midMove() throws InterruptedException {
        Run run = currentRun.get();
        if (run != null) {
            pause(run, currentStep.get(), Point.MID);
        }
    }
}
