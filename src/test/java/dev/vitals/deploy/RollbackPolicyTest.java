package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient.Msg;
import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.DockerCli;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rollback rule and the risk floor against the running application and the real engine: a rollback
 * needs no sign-off only back to a version that SUCCEEDED in that environment by the same digest;
 * anything else is a deploy under the environment's policy; a migration hook makes a change high risk.
 */
class RollbackPolicyTest extends VitalsIntegrationTest {
    private static final Pattern ID = Pattern.compile("\\b(D-\\d+)\\b");
    private static final Duration QUIET = Duration.ofSeconds(3);
    /** The demo's backend with a health check patient enough for a busy build machine. */
    private static final String SERVICE = "steady";

    private DeployDriver driver;

    @BeforeEach
    void driver() {
        driver = new DeployDriver(console, runtime, catalog);
    }

    @Test
    void alicesRollbackToAVersionNeverLiveInProductionWaitsForSignOffAndTouchesNothingUntilThen() {
        // given v1.4 live in production (signed off by bob)
        String env = TestCatalog.productionEnvironment();
        approvedAndSucceeded("/deploy " + SERVICE + " v1.4 " + env);
        List<String> containersBefore = containerIds(env);

        // when alice, a deployer without an approver role, rolls back to v1.3, which never ran there
        String reply = rollback("/rollback " + SERVICE + " " + env + " to:v1.3", env);

        // then it became a deploy of v1.3 that waits for sign-off, and says why
        String rule = "Rollback rule: to v1.3 needs sign-off as a deploy under " + env + "'s policy: v1.3 never"
                + " succeeded in " + env;
        assertThat(reply).contains("became deployment").contains(rule).contains("It waits for sign-off");
        String id = idIn(reply);
        DeploymentView d = driver.get(id);
        assertThat(d.status()).isEqualTo("PENDING_APPROVAL");
        assertThat(d.kind()).isEqualTo("deploy");
        assertThat(d.version()).isEqualTo("v1.3");
        awaitCard(id, t -> t.contains(rule) && t.contains("Needs: 1 approver"));
        assertThat(auditDetails(id)).anySatisfy(detail -> assertThat(detail).contains(rule));
        // and nothing changes on the engine while it waits
        await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> containerIds(env).equals(containersBefore)
                && driver.servingVersions(SERVICE, env).equals(List.of("v1.4"))
                && driver.get(id).status().equals("PENDING_APPROVAL"));

        // when bob signs it off, it deploys v1.3
        console.say("bob", "deploys", "/approve " + id);
        DeploymentView done = driver.awaitEnd(id);
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.approvals()).extracting(DeployDriver.Approval::user).containsExactly("bob");
        assertThat(driver.servingVersions(SERVICE, env)).containsExactly("v1.3");
    }

    @Test
    void rollbackToThePreviousSucceededVersionBySameDigestRunsWithoutSignOff() {
        // given v1.3 then v1.4 deployed to production, each signed off by bob
        String env = TestCatalog.productionEnvironment();
        DeploymentView first = approvedAndSucceeded("/deploy " + SERVICE + " v1.3 " + env);
        approvedAndSucceeded("/deploy " + SERVICE + " v1.4 " + env);

        // when alice rolls back
        String reply = rollback("/rollback " + SERVICE + " " + env, env);

        // then it runs at once, back to the very digest that succeeded, and the card and audit say why
        String rule = "Rollback rule: to v1.3 that SUCCEEDED in " + env + " (" + first.id()
                + "), same digest — no sign-off needed";
        assertThat(reply).startsWith("Rollback ").contains(rule);
        String id = idIn(reply);
        DeploymentView r = driver.awaitEnd(id);
        assertThat(r.status()).isEqualTo("SUCCEEDED");
        assertThat(r.kind()).isEqualTo("rollback");
        assertThat(r.imageDigest()).isEqualTo(first.imageDigest());
        assertThat(r.approvals()).isEmpty();
        assertThat(driver.servingVersions(SERVICE, env)).containsExactly("v1.3");
        awaitCard(id, t -> t.contains(rule));
        assertThat(auditDetails(id)).anySatisfy(detail -> assertThat(detail).contains(rule));
    }

    @Test
    void rollbackToAMovedTagNeedsSignOff() {
        // given a version tagged from v1.3's image deployed to production, then v1.4, and no container of the
        // first kept
        String env = TestCatalog.productionEnvironment();
        String version = "mv-" + env;
        String tag = "vitals-demo/backend:" + version;
        DockerCli.run("docker", "tag", "vitals-demo/backend:v1.3", tag);
        try {
            DeploymentView first = approvedAndSucceeded("/deploy " + SERVICE + " " + version + " " + env);
            approvedAndSucceeded("/deploy " + SERVICE + " v1.4 " + env);
            driver.all(SERVICE, env).stream().filter(c -> first.id().equals(c.labels().get(Labels.DEPLOYMENT)))
                    .forEach(c -> DockerCli.run("docker", "rm", "-f", c.id()));
            // and the tag since moved to another image
            DockerCli.run("docker", "tag", "vitals-demo/backend:v1.5", tag);
            List<String> containersBefore = containerIds(env);

            // when alice rolls back to it
            String reply = rollback("/rollback " + SERVICE + " " + env, env);

            // then it is a deploy of what the tag holds now, waiting for sign-off, and nothing moved
            assertThat(reply).contains("became deployment").contains("needs sign-off as a deploy under " + env)
                    .contains("from the tag " + tag + ", is not the " + shortDigest(first.imageDigest())
                            + " that SUCCEEDED in " + env + " (" + first.id() + ")");
            DeploymentView d = driver.get(idIn(reply));
            assertThat(d.status()).isEqualTo("PENDING_APPROVAL");
            assertThat(d.imageDigest()).isNotEqualTo(first.imageDigest());
            await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() -> containerIds(env).equals(containersBefore)
                    && driver.servingVersions(SERVICE, env).equals(List.of("v1.4")));
        } finally {
            DockerCli.run("docker", "rmi", tag);
        }
    }

    @Test
    void anEnvironmentThatAsksSignOffForRollbacksGetsItEvenWithinTheRule() {
        // given v1.3 then v1.4 in an environment with rollback: {approvals: {devops-lead: 1}}
        String env = TestCatalog.guardedEnvironment();
        DeploymentView first = approvedAndSucceeded("/deploy " + SERVICE + " v1.3 " + env);
        approvedAndSucceeded("/deploy " + SERVICE + " v1.4 " + env);

        // when alice rolls back to v1.3 (which succeeded there by the same digest)
        String reply = rollback("/rollback " + SERVICE + " " + env, env);

        // then the rollback waits for a devops-lead, and v1.4 keeps serving
        String rule = "Rollback rule: to v1.3 that SUCCEEDED in " + env + " (" + first.id() + "), same digest — "
                + env + " asks sign-off for every rollback: 1 devops-lead";
        assertThat(reply).startsWith("Rollback ").contains(rule).contains("It waits for sign-off");
        String id = idIn(reply);
        assertThat(driver.get(id).kind()).isEqualTo("rollback");
        awaitCard(id, t -> t.contains("PENDING_APPROVAL") && t.contains(rule) && t.contains("Needs: 1 devops-lead"));
        await().during(QUIET).atMost(QUIET.plusSeconds(10)).until(() ->
                driver.servingVersions(SERVICE, env).equals(List.of("v1.4"))
                        && driver.get(id).status().equals("PENDING_APPROVAL"));

        // when bob, a devops-lead, signs off, it switches back to the standby v1.3
        console.say("bob", "deploys", "/approve " + id);
        DeploymentView r = driver.awaitEnd(id);
        assertThat(r.status()).isEqualTo("SUCCEEDED");
        assertThat(r.steps()).extracting(DeployDriver.Step::name).startsWith("preflight", "switch traffic");
        assertThat(r.approvals()).extracting(DeployDriver.Approval::role).containsExactly("devops-lead");
        assertThat(driver.servingVersions(SERVICE, env)).containsExactly("v1.3");
    }

    @Test
    void lowRiskOnAServiceWithAMigrationHookIsRefusedNamingTheFloor() {
        String env = TestCatalog.stagingEnvironment();

        // when alice asks for risk:low on a service that has a migration hook
        String reply = answer("/deploy hooked v1.4 " + env + " risk:low", "Cannot deploy hooked v1.4 to " + env);

        // then it is refused, naming the floor and why, and nothing was requested or started
        assertThat(reply).startsWith("Cannot deploy hooked v1.4 to " + env + ": risk:low is below the floor for hooked"
                + " in " + env + ", which is high: hooked has a migration hook, and schema changes are high-risk");
        assertThat(reply).contains("risk:high").contains("leave risk: out");
        assertThat(driver.all("hooked", env)).isEmpty();
        assertThat(console.get("/api/deployments?service=hooked&environment=" + env).body()).isEqualTo("[]");

        // and without risk: it takes the floor
        String taken = answer("/deploy hooked v1.4 " + env, "Deployment ");
        assertThat(taken).contains("risk high — the floor here: hooked has a migration hook");
        assertThat(driver.get(idIn(taken)).risk()).isEqualTo("high");
    }

    /** Requests as alice, signs off as bob, and waits for SUCCEEDED. */
    private DeploymentView approvedAndSucceeded(String command) {
        String id = driver.request("alice", command);
        assertThat(driver.get(id).status()).isEqualTo("PENDING_APPROVAL");
        console.say("bob", "deploys", "/approve " + id);
        DeploymentView d = driver.awaitEnd(id);
        assertThat(d.status()).as(d.id() + " " + d.detail()).isEqualTo("SUCCEEDED");
        return d;
    }

    /** Alice's rollback command and Vitals' answer to it (not the card it posts first). */
    private String rollback(String command, String env) {
        return answer(command, "Rollback D-", "The rollback of " + SERVICE + " in " + env, "Cannot roll back " + SERVICE + " in " + env);
    }

    /** Types a command as alice and waits for Vitals' answer that starts with one of the prefixes. */
    private String answer(String command, String... prefixes) {
        long posted = Long.parseLong(console.say("alice", "deploys", command));
        return console.awaitMessage("deploys", posted, m -> m.author().equals("vitals")
                && java.util.Arrays.stream(prefixes).anyMatch(m.text()::startsWith)).text();
    }

    private List<String> containerIds(String env) {
        return driver.all(SERVICE, env).stream().map(ContainerInfo::id).sorted().toList();
    }

    private static String idIn(String reply) {
        Matcher m = ID.matcher(reply);
        assertThat(m.find()).as(reply).isTrue();
        return m.group(1);
    }

    private static String shortDigest(String digest) {
        return "sha256:" + digest.substring("sha256:".length(), "sha256:".length() + 12);
    }

    private void awaitCard(String id, java.util.function.Predicate<String> text) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> console.channel("deploys")
                .stream().filter(m -> m.text().startsWith("**" + id + "**")).map(Msg::text).anyMatch(text));
    }

    /** The detail of every audit entry about a deployment. */
    private List<String> auditDetails(String id) {
        return console.auditAbout(id).stream().map(e -> String.valueOf(e.get("detail"))).toList();
    }
}
