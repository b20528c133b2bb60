package dev.vitals.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ConsoleClient.Msg;
import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A secret the catalog refers to ({@code ${file:secret.txt}}, see {@link TestCatalog#SECRET}) and that a
 * failing hook prints with {@code set -x} appears nowhere Vitals writes: chat, the HTTP API, the audit
 * trail and its exports, the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsNeverLeaveTest extends VitalsIntegrationTest {
    private DeployDriver driver;

    @BeforeEach
    void driver() {
        driver = new DeployDriver(console, runtime, catalog);
    }

    @Test
    void aHookPrintingASecretShowsOnlyItsRedactedTailInTheThreadAndTheSecretNowhere(CapturedOutput log) {
        // given a staging environment and the service whose snapshot hook prints DB_PASSWORD and exits 1
        String env = TestCatalog.stagingEnvironment();

        // when it is deployed
        DeploymentView d = driver.awaitEnd(driver.request("alice", "/deploy leaky v1.4 " + env));

        // then the deployment failed at the hook, and the step's detail only points to the thread
        assertThat(d.status()).isEqualTo("FAILED");
        assertThat(d.step("snapshot hook").detail()).startsWith("snapshot hook exited 1 after ")
                .endsWith("; its output is in the thread");
        // and the thread shows the last 20 lines, with the secret redacted
        driver.awaitThreadContains(d, "connecting with [redacted]");
        String thread = driver.threadText(d);
        assertThat(thread).contains("Last output of the snapshot hook (secrets redacted):")
                .contains("+ echo connecting with [redacted]")
                .contains("preparing step 30")
                .doesNotContain("preparing step 5\n");
        // and the secret is in no console message, no API answer, no audit entry or export, no log line
        assertThat(everyConsoleMessage(d)).isNotEmpty().noneMatch(m -> m.text().contains(TestCatalog.SECRET));
        assertThat(console.get("/api/deployments/" + d.id()).body()).doesNotContain(TestCatalog.SECRET)
                .doesNotContain("connecting with");
        assertThat(console.get("/api/deployments?service=leaky").body()).doesNotContain(TestCatalog.SECRET);
        assertThat(auditEverywhere()).contains(d.id()).doesNotContain(TestCatalog.SECRET)
                .doesNotContain("connecting with");
        assertThat(log.getAll()).contains("Created network " + TestCatalog.network(env))
                .doesNotContain(TestCatalog.SECRET);
    }

    @Test
    void aSecretTypedIntoAReasonIsRedactedInChatTheApiTheAuditAndTheLog(CapturedOutput log) {
        // given a staging environment
        String env = TestCatalog.stagingEnvironment();

        // when someone pastes the secret into a reason, and Vitals logs a line holding it
        String reply = console.ask("alice", "deploys",
                "/deploy backend v1.4 " + env + " reason:\"password is " + TestCatalog.SECRET + "\"");
        String id = reply.replaceAll("(?s).*?\\b(D-\\d+)\\b.*", "$1");
        DeploymentView d = driver.awaitEnd(id);
        LoggerFactory.getLogger(SecretsNeverLeaveTest.class).warn("a line holding {}", TestCatalog.SECRET,
                new IllegalStateException("a failure mentioning " + TestCatalog.SECRET));

        // then chat, the API, the audit trail and the log show it redacted
        assertThat(d.reason()).isEqualTo("password is [redacted]");
        assertThat(everyConsoleMessage(d)).anyMatch(m -> m.text().contains("Reason: “password is [redacted]”"))
                .noneMatch(m -> m.text().contains(TestCatalog.SECRET));
        assertThat(auditEverywhere()).contains("password is [redacted]").doesNotContain(TestCatalog.SECRET);
        assertThat(log.getAll()).contains("a line holding [redacted]")
                .contains("IllegalStateException: a failure mentioning [redacted]")
                .doesNotContain(TestCatalog.SECRET);
    }

    private List<Msg> everyConsoleMessage(DeploymentView d) {
        List<Msg> all = new java.util.ArrayList<>(console.channel("deploys"));
        all.addAll(console.thread(d.threadId()));
        return all;
    }

    private String auditEverywhere() {
        return console.get("/api/audit?limit=1000000").body() + console.get("/api/audit/export?format=csv").body()
                + console.get("/api/audit/export?format=json").body();
    }
}
