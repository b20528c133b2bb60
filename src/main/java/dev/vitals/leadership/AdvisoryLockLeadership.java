package dev.vitals.leadership;

import dev.vitals.database.DedicatedConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Leadership by a PostgreSQL session-level advisory lock held on a connection of its own (never one
 * from the pool, which could hand it to someone else or close it). PostgreSQL releases the lock when
 * that session ends, so the standby that asks next (every check interval) takes over.
 *
 * <p>While active, every check proves the lock is still held on a live session; when it is not, or the
 * check does not answer within its timeout, the process stops being active at once and then tells the
 * others ({@link LostLeadership}). The server side is bounded too: the session's TCP keepalives make
 * PostgreSQL drop the session of a vanished host within seconds, so its lock does not linger.
 */
@Component
@EnableConfigurationProperties(LeadershipProperties.class)
class AdvisoryLockLeadership implements Leadership, SmartLifecycle, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdvisoryLockLeadership.class);
    /** "VITALS" in ASCII, then 1: one lock per database (advisory locks are scoped to a database). */
    static final long LOCK_KEY = 0x5649_5441_4C53_0001L;
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

    private final DedicatedConnections connections;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Duration interval;
    /** Serialises checks with start and close, which all touch the session. */
    private final ReentrantLock session = new ReentrantLock();
    private volatile boolean active;
    private volatile boolean running;
    private Connection connection;
    private boolean toldStandby;
    private boolean toldUnreachable;
    private ScheduledExecutorService checker;
    private ExecutorService notifier;

    AdvisoryLockLeadership(DedicatedConnections connections, ApplicationEventPublisher events, Clock clock,
                           LeadershipProperties properties) {
        this.connections = connections;
        this.events = events;
        this.clock = clock;
        this.interval = properties.checkInterval();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    /** Before the web server answers, so a process never tells anyone a role it has not tried for. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    @Override
    public void start() {
        running = true;
        // Listeners (reconciliation) may take a while; the checks must go on meanwhile, in order.
        notifier = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("vitals-leadership-events")
                .daemon(true).factory());
        checker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("vitals-leadership")
                .daemon(true).factory());
        check();
        checker.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops acting (pipelines stop at their next step) but keeps the lock until {@link #close()}, which
     * runs after everything that consults this has shut down, so a standby never overlaps with it.
     */
    @Override
    public void stop() {
        running = false;
        active = false;
        if (checker != null) {
            checker.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    void check() {
        session.lock();
        try {
            if (!running) {
                return;
            }
            if (active) {
                verify();
            } else {
                tryToAcquire();
            }
        } catch (RuntimeException e) {
            log.error("Leadership check failed", e);
        } finally {
            session.unlock();
        }
    }

    private void tryToAcquire() {
        try {
            if (connection == null) {
                connection = open();
            }
            boolean acquired;
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, LOCK_KEY);
                ps.setQueryTimeout((int) CHECK_TIMEOUT.toSeconds());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    acquired = rs.getBoolean(1);
                }
            }
            toldUnreachable = false;
            if (acquired) {
                active = true;
                toldStandby = false;
                log.info("This Vitals process is now ACTIVE: it runs pipelines, timers and reconciliation");
                publish(new BecameActive(clock.instant()));
            } else if (!toldStandby) {
                toldStandby = true;
                log.info("Another Vitals process is active on this database; this one is the STANDBY (read-only)"
                        + " and takes over if it stops");
            }
        } catch (SQLException e) {
            if (!toldUnreachable) {
                toldUnreachable = true;
                log.warn("Cannot reach the database to take the leadership lock ({}); staying standby",
                        e.getMessage());
            }
            closeConnection();
        }
    }

    private void verify() {
        String lost;
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                               AND pid = pg_backend_pid() AND classid::bigint = ? AND objid::bigint = ?
                               AND objsubid = 1)""")) {
            ps.setLong(1, LOCK_KEY >>> 32);
            ps.setLong(2, LOCK_KEY & 0xFFFF_FFFFL);
            ps.setQueryTimeout((int) CHECK_TIMEOUT.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
            lost = "the database session no longer holds the leadership lock";
        } catch (SQLException e) {
            lost = "the leadership session to the database failed: " + e.getMessage();
        }
        // Stop acting first; telling comes after.
        active = false;
        log.warn("This Vitals process LOST the leadership and is standby now: {}", lost);
        closeConnection();
        publish(new LostLeadership(clock.instant(), lost));
    }

    /**
     * Gives the lock back before the session closes: PostgreSQL would release it when the backend
     * exits, a moment after the socket closes, and a standby should not wait out that moment.
     */
    private void releaseLock() {
        if (connection == null) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, LOCK_KEY);
            ps.setQueryTimeout((int) CHECK_TIMEOUT.toSeconds());
            ps.execute();
        } catch (SQLException e) {
            log.warn("Could not release the leadership lock before closing its session ({}); PostgreSQL releases it"
                    + " when the session ends", e.getMessage());
        }
    }

    private Connection open() throws SQLException {
        Connection c = connections.open();
        try {
            c.setAutoCommit(true);
            c.setNetworkTimeout(Runnable::run, (int) CHECK_TIMEOUT.toMillis());
            try (Statement s = c.createStatement()) {
                s.execute("SET application_name = 'vitals-leadership'");
                // The server drops the session of a host that vanished without closing it within ~6 s.
                s.execute("SET tcp_keepalives_idle = 3");
                s.execute("SET tcp_keepalives_interval = 1");
                s.execute("SET tcp_keepalives_count = 3");
            }
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    private void closeConnection() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing the leadership session: {}", e.getMessage());
        }
        connection = null;
    }

    private void publish(Object event) {
        notifier.submit(() -> {
            try {
                events.publishEvent(event);
            } catch (RuntimeException e) {
                log.error("A listener of {} failed", event, e);
            }
        });
    }

    /** Ends the session, which releases the lock at once: a standby takes over at its next check. */
    @Override
    public void close() {
        session.lock();
        try {
            running = false;
            boolean held = active;
            active = false;
            if (held) {
                releaseLock();
            }
            closeConnection();
        } finally {
            session.unlock();
        }
        if (checker != null) {
            checker.shutdownNow();
        }
        if (notifier != null) {
            notifier.shutdownNow();
        }
    }
}
