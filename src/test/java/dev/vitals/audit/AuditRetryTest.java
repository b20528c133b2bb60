package dev.vitals.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import dev.vitals.deploy.DeploymentStatus;
import dev.vitals.deploy.DeploymentStatusChanged;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The audit log cannot miss a transition: an append that fails is delivered again until it is written. */
class AuditRetryTest extends VitalsIntegrationTest {
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    ApplicationEventPublisher events;

    @Test
    void anAuditAppendThatFailsIsRetriedUntilItSucceeds() {
        // given the audit table refuses new entries for a while
        String subject = "D-audit-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xffffff);
        asOwner("""
                CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit table unavailable (test)'; END $$""");
        asOwner("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION refuse_audit()");
        try {
            // when a status change is announced
            tx.executeWithoutResult(t -> events.publishEvent(new DeploymentStatusChanged(subject, "backend",
                    TestCatalog.stagingEnvironment(), "v1.4", DeploymentStatus.APPROVED, DeploymentStatus.CANCELLED,
                    "alice", "cancelled by alice", Instant.now())));

            // then the audit listener's publication fails and stays incomplete, and no entry is written
            await().atMost(Duration.ofSeconds(30)).until(() -> auditPublication(subject, "FAILED") > 0);
            assertThat(entriesAbout(subject)).isZero();
        } finally {
            // when the table accepts entries again
            asOwner("DROP TRIGGER refuse_audit ON audit");
        }

        // then the entry is written by a later delivery, once, and its publication completes
        await().atMost(Duration.ofSeconds(60)).until(() -> entriesAbout(subject) == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> auditPublication(subject, "COMPLETED") == 1);
        assertThat(jdbc.sql("SELECT after FROM audit WHERE subject = ?").param(subject).query(String.class).single())
                .isEqualTo("CANCELLED");
        assertThat(console.get("/api/audit/verify").body()).contains("\"valid\":true");
    }

    /** DDL on the audit table is the owner's: Vitals' own role may only add and read entries. */
    private void asOwner(String sql) {
        int port = jdbc.sql("SELECT inet_server_port()").query(Integer.class).single();
        try (java.sql.Connection owner = java.sql.DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/postgres", "vitals_owner", "");
             java.sql.Statement st = owner.createStatement()) {
            st.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private int entriesAbout(String subject) {
        return jdbc.sql("SELECT count(*) FROM audit WHERE subject = ?").param(subject).query(Integer.class).single();
    }

    private int auditPublication(String subject, String status) {
        return jdbc.sql("""
                        SELECT count(*) FROM event_publication
                        WHERE listener_id LIKE 'dev.vitals.audit.AuditTrail%' AND serialized_event LIKE ?
                          AND status = ?""")
                .params("%\"" + subject + "\"%", status).query(Integer.class).single();
    }
}
