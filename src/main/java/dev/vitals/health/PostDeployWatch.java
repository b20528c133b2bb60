package dev.vitals.health;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.WatchPhase;
import dev.vitals.catalog.DurationText;
import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Message;
import dev.vitals.chat.ThreadRef;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.DeploymentStatus;
import dev.vitals.deploy.DeploymentStatusChanged;
import dev.vitals.deploy.Deployments;
import dev.vitals.leadership.Leadership;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The post-deploy watch: a SUCCEEDED deployment is watched on the catalog's {@code monitoring} schedule
 * (each phase: until how long after the deployment, how often); each check's result goes into the
 * deployment's thread, and a failing one publishes {@link WatchCheckFailed}. A newer SUCCEEDED deployment of
 * the service in the environment replaces the version watched, and that watch stops. Checks missed while
 * Vitals was down are not run late one by one: the watch goes on at its next slot after now.
 */
@Component
class PostDeployWatch {
    private static final Logger log = LoggerFactory.getLogger(PostDeployWatch.class);

    private final ReentrantLock running = new ReentrantLock();
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final HealthChecks checks;
    private final Deployments deployments;
    private final ChatPlatform chat;
    private final Catalog catalog;
    private final Leadership leadership;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    PostDeployWatch(JdbcClient jdbc, TransactionTemplate tx, HealthChecks checks, Deployments deployments,
                    ChatPlatform chat, Catalog catalog, Leadership leadership, ApplicationEventPublisher events,
                    Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.checks = checks;
        this.deployments = deployments;
        this.chat = chat;
        this.catalog = catalog;
        this.leadership = leadership;
        this.events = events;
        this.clock = clock;
    }

    record Watch(String deploymentId, String service, String environment, String version, Instant startedAt,
                 Instant nextAt, int checks, String threadChannel, String threadId) {
    }

    // Only a success starts a watch; the condition is checked before a delivery is stored at all.
    @ApplicationModuleListener(condition = "#p0.to().name() == 'SUCCEEDED'")
    void on(DeploymentStatusChanged e) {
        if (e.to() != DeploymentStatus.SUCCEEDED) {
            return;
        }
        List<WatchPhase> phases = phases();
        if (phases.isEmpty()) {
            return;
        }
        Optional<Deployment> d = deployments.find(e.deploymentId());
        // The first check's time is the watch's schedule from here on (see next()).
        Instant first = e.at().plus(phases.getFirst().every());
        List<String> replaced = tx.execute(t -> {
            List<String> older = jdbc.sql("""
                            UPDATE deployment_watch SET status = 'REPLACED', next_at = NULL
                            WHERE service = ? AND environment = ? AND status = 'WATCHING' AND deployment_id <> ?
                            RETURNING deployment_id""")
                    .params(e.service(), e.environment(), e.deploymentId()).query(String.class).list();
            int inserted = jdbc.sql("""
                            INSERT INTO deployment_watch (deployment_id, service, environment, version, started_at,
                              next_at, status, thread_channel, thread_id)
                            VALUES (?, ?, ?, ?, ?, ?, 'WATCHING', ?, ?) ON CONFLICT DO NOTHING""")
                    .params(e.deploymentId(), e.service(), e.environment(), e.version(), ts(e.at()), ts(first),
                            d.map(Deployment::cardChannel).orElse(null), d.map(Deployment::threadId).orElse(null))
                    .update();
            return inserted == 1 ? older : null;
        });
        if (replaced != null && !replaced.isEmpty()) {
            log.info("Post-deploy watch of {} replaced by {} ({} {} in {})", replaced, e.deploymentId(), e.service(),
                    e.version(), e.environment());
        }
    }

    /**
     * A deployment's watch: {@code status} WATCHING, DONE or REPLACED, the next check (null once stopped).
     * Its start and end are not posted: the thread hears from the watch at each check, not at each deploy.
     */
    record State(String status, Instant nextAt, int checks) {
    }

    Optional<State> state(String deploymentId) {
        return jdbc.sql("SELECT status, next_at, checks FROM deployment_watch WHERE deployment_id = ?")
                .param(deploymentId)
                .query((rs, n) -> new State(rs.getString(1), rs.getTimestamp(2) == null ? null
                        : rs.getTimestamp(2).toInstant(), rs.getInt(3)))
                .optional();
    }

    @Scheduled(fixedDelayString = "${vitals.watch-interval:5s}", initialDelayString = "${vitals.watch-interval:5s}")
    void tick() {
        if (!leadership.isActive()) {
            return;
        }
        try {
            runDue(clock.instant(), null);
        } catch (RuntimeException ex) {
            log.warn("Post-deploy watch: {} ({}); trying again at the next tick", ex.getMessage(),
                    ex.getClass().getSimpleName());
        }
    }

    /**
     * Runs every check due at {@code now} (of one environment's watches, or of all with null): each slot is
     * claimed and moved on in one transaction, then checked and posted. Returns how many checks ran.
     */
    int runDue(Instant now, String environment) {
        running.lock();
        try {
            int ran = 0;
            while (leadership.isActive()) {
                Watch w = tx.execute(t -> claim(now, environment));
                if (w == null) {
                    return ran;
                }
                check(w, now);
                ran++;
            }
            return ran;
        } finally {
            running.unlock();
        }
    }

    private Watch claim(Instant now, String environment) {
        Optional<Watch> due = jdbc.sql("""
                        SELECT * FROM deployment_watch WHERE next_at <= ? AND (CAST(? AS TEXT) IS NULL OR environment = ?)
                        ORDER BY next_at, deployment_id LIMIT 1 FOR UPDATE SKIP LOCKED""")
                .params(ts(now), environment, environment)
                .query((rs, n) -> new Watch(rs.getString("deployment_id"), rs.getString("service"),
                        rs.getString("environment"), rs.getString("version"), rs.getTimestamp("started_at").toInstant(),
                        rs.getTimestamp("next_at").toInstant(), rs.getInt("checks"), rs.getString("thread_channel"),
                        rs.getString("thread_id")))
                .optional();
        if (due.isEmpty()) {
            return null;
        }
        Watch w = due.get();
        Instant next = next(w.startedAt(), w.nextAt(), now);
        jdbc.sql("UPDATE deployment_watch SET next_at = ?, status = ?, checks = checks + 1 WHERE deployment_id = ?")
                .params(ts(next), next == null ? "DONE" : "WATCHING", w.deploymentId()).update();
        return new Watch(w.deploymentId(), w.service(), w.environment(), w.version(), w.startedAt(), next,
                w.checks() + 1, w.threadChannel(), w.threadId());
    }

    /** The first slot after {@code now} on the schedule, counted on from the slot just due; null past the last phase. */
    Instant next(Instant started, Instant due, Instant now) {
        List<WatchPhase> phases = phases();
        Instant next = due;
        while (!next.isAfter(now)) {
            Duration elapsed = Duration.between(started, next);
            Optional<WatchPhase> phase = phases.stream().filter(p -> p.until().compareTo(elapsed) > 0).findFirst();
            if (phase.isEmpty()) {
                return null;
            }
            next = next.plus(phase.get().every());
        }
        return Duration.between(started, next).compareTo(phases.getLast().until()) > 0 ? null : next;
    }

    private void check(Watch w, Instant now) {
        HealthChecks.Result r;
        try {
            r = checks.check(w.service(), w.environment());
        } catch (RuntimeException e) {
            r = new HealthChecks.Result(false, "the check itself failed: " + e.getMessage(), List.of(), List.of());
        }
        String at = DurationText.format(Duration.between(w.startedAt(), now).withNanos(0));
        StringBuilder b = new StringBuilder(r.healthy() ? "💚" : "🔴").append(" watch check ").append(w.checks())
                .append(" (").append(at).append(" after the deploy): ").append(r.summary());
        r.details().forEach(d -> b.append("\n").append(d));
        if (w.checks() == 1) {
            b.append("\nPost-deploy watch: ").append(schedule(phases())).append(".");
        }
        b.append(w.nextAt() == null ? "\nThe watch is complete." : "\nNext check at "
                + w.nextAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ".");
        if (!r.healthy()) {
            b.append("\nAn incident is opened for this deployment; /rollback ").append(w.service()).append(" ")
                    .append(w.environment()).append(" goes back.");
            HealthChecks.Result failed = r;
            tx.executeWithoutResult(t -> {
                jdbc.sql("UPDATE deployment_watch SET failures = failures + 1 WHERE deployment_id = ?")
                        .param(w.deploymentId()).update();
                events.publishEvent(new WatchCheckFailed(w.deploymentId(), w.service(), w.environment(), w.version(),
                        failed.summary(), now));
            });
        }
        say(w.threadChannel(), w.threadId(), b.toString());
    }

    private void say(String channel, String thread, String text) {
        if (thread == null) {
            return;
        }
        try {
            chat.postInThread(new ThreadRef(thread, channel), Message.text(text));
        } catch (RuntimeException e) {
            log.info("Watch message not posted in thread {}: {}", thread, e.toString());
        }
    }

    private List<WatchPhase> phases() {
        return catalog.monitoring().stream().sorted(Comparator.comparing(WatchPhase::until)).toList();
    }

    private static String schedule(List<WatchPhase> phases) {
        StringBuilder b = new StringBuilder();
        for (WatchPhase p : phases) {
            b.append(b.isEmpty() ? "" : ", ").append("every ").append(DurationText.format(p.every())).append(" until ")
                    .append(DurationText.format(p.until()));
        }
        return b.toString();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
