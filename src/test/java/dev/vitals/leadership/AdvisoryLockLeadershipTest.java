package dev.vitals.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vitals.TestCatalog;
import dev.vitals.database.DedicatedConnections;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two leaderships on one real PostgreSQL, as two Vitals processes would hold them. Their periodic checks
 * are an hour apart, so the test decides when each one checks.
 */
class AdvisoryLockLeadershipTest {
    private static EmbeddedPostgres postgres;
    private static HikariDataSource pool;
    private final List<Object> firstEvents = new CopyOnWriteArrayList<>();
    private final List<Object> secondEvents = new CopyOnWriteArrayList<>();
    private AdvisoryLockLeadership first;
    private AdvisoryLockLeadership second;

    @BeforeAll
    static void database() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "test-" + TestCatalog.RUN, "leadership").toAbsolutePath());
        postgres = EmbeddedPostgres.builder().setOverrideWorkingDirectory(dir.toFile()).start();
        HikariConfig config = new HikariConfig();
        config.setDataSource(postgres.getPostgresDatabase());
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        pool.close();
        postgres.close();
    }

    @BeforeEach
    void twoProcesses() {
        first = leadership(firstEvents);
        second = leadership(secondEvents);
    }

    @AfterEach
    void close() {
        first.close();
        second.close();
    }

    @Test
    void theFirstToStartIsActiveAndTheOtherStandsBy() {
        // when both start
        first.start();
        second.start();

        // then exactly one is active, and only that one hears it became active
        assertThat(first.role()).isEqualTo(Leadership.Role.ACTIVE);
        assertThat(second.role()).isEqualTo(Leadership.Role.STANDBY);
        await().atMost(Duration.ofSeconds(5)).until(() -> firstEvents.size() == 1);
        assertThat(firstEvents.getFirst()).isInstanceOf(BecameActive.class);
        second.check();
        assertThat(second.isActive()).isFalse();
        assertThat(secondEvents).isEmpty();
    }

    @Test
    void whenTheActiveSessionDiesTheActiveStopsAtItsNextCheckAndTheStandbyTakesOver() throws Exception {
        // given the first active, the second standby
        first.start();
        second.start();

        // when the database ends the first one's leadership session (as it does when its process dies)
        terminateLockHolder();
        second.check();

        // then the standby takes the lock, and the first one learns at its next check that it lost it
        assertThat(second.isActive()).isTrue();
        first.check();
        assertThat(first.isActive()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> firstEvents.size() == 2 && secondEvents.size() == 1);
        assertThat(firstEvents.get(1)).isInstanceOfSatisfying(LostLeadership.class,
                lost -> assertThat(lost.reason()).contains("leadership session"));
        assertThat(secondEvents.getFirst()).isInstanceOf(BecameActive.class);

        // and it stays standby while the other holds the lock
        first.check();
        assertThat(first.isActive()).isFalse();
    }

    @Test
    void anActiveWhoseSessionDiedAloneTakesTheLockBackAtTheCheckAfterNext() throws Exception {
        // given one process alone
        first.start();

        // when its session is ended under it
        terminateLockHolder();

        // then it is standby after its next check, and active again after the one after
        first.check();
        assertThat(first.isActive()).isFalse();
        first.check();
        assertThat(first.isActive()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> firstEvents.size() == 3);
        assertThat(firstEvents).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("BecameActive", "LostLeadership", "BecameActive");
    }

    @Test
    void closingTheActiveReleasesTheLockAtOnce() {
        // given the first active, the second standby
        first.start();
        second.start();

        // when the first one shuts down
        first.close();

        // then the second takes over at its next check
        second.check();
        assertThat(second.isActive()).isTrue();
    }

    private AdvisoryLockLeadership leadership(List<Object> events) {
        return new AdvisoryLockLeadership(new DedicatedConnections(pool), events::add, Clock.systemUTC(),
                new LeadershipProperties(Duration.ofHours(1)));
    }

    private void terminateLockHolder() throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT pg_terminate_backend(pid) FROM pg_locks
                     WHERE locktype = 'advisory' AND granted AND objid::bigint = %d""".formatted(
                     AdvisoryLockLeadership.LOCK_KEY & 0xFFFF_FFFFL))) {
            assertThat(rs.next()).as("a session holds the leadership lock").isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
        }
        // Terminating only signals the backend; its lock is gone once it has exited.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        });
    }
}
