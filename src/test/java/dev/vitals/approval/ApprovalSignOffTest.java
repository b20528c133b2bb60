package dev.vitals.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient.Msg;
import dev.vitals.DockerCli;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.Deployments;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.core.type.TypeReference;

/**
 * Sign-off end to end: people react, click and type in the local console, Vitals counts against the
 * policies of the test catalog's production environments (medium: 1 approver; high: 1 devops-lead +
 * 1 clinical-approver, the checklist and a maintenance window), with the real database and engine.
 */
class ApprovalSignOffTest extends VitalsIntegrationTest {
    private static final Pattern DEPLOYMENT_ID = Pattern.compile("\\b(D-\\d+)\\b");
    private static final Duration STARTED = Duration.ofMinutes(2);

    @Autowired
    ApprovalStore approvals;
    @Autowired
    SelfCheckedItems selfChecked;
    @Autowired
    Deployments deployments;
    @Autowired
    SignOffs signOffs;

    record Card(String id, String messageId, String threadId) {
    }

    @Test
    void requestersApprovalIsIgnoredAndExplainedOnce() {
        // given alice requested backend v1.4 in production (medium risk: 1 approver other than alice)
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment());

        // when alice approves her own request by ✅, again after taking it back, and by the Approve button
        console.react("alice", card.messageId(), "✅");
        console.unreact("alice", card.messageId(), "✅");
        console.react("alice", card.messageId(), "✅");
        console.click("alice", card.messageId(), SignOffStatus.APPROVE_BUTTON + card.id());
        // and carol, whose role this policy does not name, approves after her (so her answer comes last)
        console.react("carol", card.messageId(), "✅");

        // then the thread says once who and why, and the deployment still waits with nobody counted
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.contains("carol has no role")));
        List<String> aboutAlice = threadLines(card).stream()
                .filter(l -> l.contains("alice requested " + card.id())).toList();
        assertThat(aboutAlice).hasSize(1);
        assertThat(aboutAlice.getFirst()).contains("requester never signs off").contains("1 approver");
        assertThat(status(card)).isEqualTo("PENDING_APPROVAL");
        assertThat(signedOff(card)).isEmpty();
    }

    @Test
    void viewersApprovalIsIgnored() {
        // given alice's request waits for 1 approver
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment());

        // when dave, a viewer, reacts ✅ and tries /approve
        console.react("dave", card.messageId(), "✅");
        String reply = console.ask("dave", "deploys", "/approve " + card.id());

        // then neither counts: the thread names who and why, the command names the role it needs
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.contains("dave has no role that " + card.id()
                + "'s sign-off needs (it needs 1 approver); dave has: viewer")));
        assertThat(reply).contains("dave may not use /approve").contains("approver");
        assertThat(status(card)).isEqualTo("PENDING_APPROVAL");
        assertThat(signedOff(card)).isEmpty();
    }

    @Test
    void oneApproverApprovesMediumRiskProduction() {
        // given alice's medium-risk request waits for 1 approver
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment());

        // when bob, an approver, reacts ✅ on the card
        console.react("bob", card.messageId(), "✅");

        // then it runs to the end, with bob recorded as the approver
        awaitStatus(card, STARTED, "SUCCEEDED");
        assertThat(signedOff(card)).containsExactly("bob=approver");
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.startsWith("✅ bob approved " + card.id()
                + " as approver by reaction")) && lines.stream().anyMatch(l -> l.contains("Sign-off of " + card.id()
                + " is complete: bob as approver. It starts now.")));
        awaitCard(card, t -> t.contains("SUCCEEDED") && t.contains("✅ bob as approver") && !t.contains("Needs"));
        assertThat(card(card).components()).isEmpty();
    }

    @Test
    void everySignOffDecisionLeavesAnAuditEntry() {
        // given two requests waiting for sign-off
        Card approved = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment());
        Card rejected = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment());

        // when the requester and a viewer try to approve, bob approves one and rejects the other
        console.react("alice", approved.messageId(), "✅");
        console.react("dave", approved.messageId(), "✅");
        console.react("bob", approved.messageId(), "✅");
        console.react("bob", rejected.messageId(), "❌");
        awaitStatus(approved, STARTED, "SUCCEEDED");
        awaitStatus(rejected, STARTED, "REJECTED");

        // then the audit log holds each decision with its actor, and the chain is intact
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Map<String, Object>> entries = auditAbout(approved.id());
            assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("action", "sign-off.ignored")
                    .containsEntry("actor", "alice"));
            assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("action", "sign-off.ignored")
                    .containsEntry("actor", "dave"));
            assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("action", "approval.granted")
                    .containsEntry("actor", "bob").containsEntry("after", "approver"));
            assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("action", "deployment.status")
                    .containsEntry("after", "SUCCEEDED"));
            assertThat(auditAbout(rejected.id())).anySatisfy(e -> assertThat(e)
                    .containsEntry("action", "deployment.rejected").containsEntry("actor", "bob"));
        });
        assertThat(console.get("/api/audit/verify").body()).contains("\"valid\":true");
    }

    private List<Map<String, Object>> auditAbout(String subject) {
        List<Map<String, Object>> about = new java.util.ArrayList<>();
        long after = 0;
        while (true) {
            List<Map<String, Object>> page = console.read(console.get("/api/audit?limit=1000&after=" + after).body(),
                    new TypeReference<List<Map<String, Object>>>() { });
            if (page.isEmpty()) {
                return about;
            }
            page.stream().filter(e -> subject.equals(e.get("subject"))).forEach(about::add);
            after = ((Number) page.getLast().get("id")).longValue();
        }
    }

    @Test
    void highRiskNeedsDevopsLeadAndClinicalApproverAndAWindow() {
        // given alice's high-risk request
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment() + " risk:high");
        assertThat(card(card).text()).contains("Needs: 1 clinical-approver + 1 devops-lead")
                .contains("Needs an active maintenance window");

        // when bob (devops-lead) approves, it still needs a clinical approver
        console.react("bob", card.messageId(), "✅");
        awaitCard(card, t -> t.contains("✅ bob as devops-lead") && t.contains("Needs: 1 clinical-approver"));
        // and when carol (clinical-approver) approves, it still needs the checklist
        console.react("carol", card.messageId(), "✅");
        awaitCard(card, t -> t.contains("✅ carol as clinical-approver") && !t.contains("Needs: 1"));
        assertThat(status(card)).isEqualTo("PENDING_APPROVAL");
        // and when carol ticks the checklist
        tickAll("carol", card);

        // then the sign-off is complete, but preflight refuses the start: no maintenance window is active
        awaitStatus(card, STARTED, "FAILED");
        Map<String, Object> preflight = steps(card).getFirst();
        assertThat(preflight.get("name")).isEqualTo("preflight");
        assertThat(preflight.get("status")).isEqualTo("FAILED");
        assertThat((String) preflight.get("detail")).contains("high-risk deployments to")
                .contains("run only inside a maintenance window, and none is active");
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.contains("Sign-off of " + card.id() + " is complete")
                && l.contains("no maintenance window is active")));
        assertThat(signedOff(card)).containsExactlyInAnyOrder("bob=devops-lead", "carol=clinical-approver");
    }

    @Test
    void samePersonWithBothRolesCannotFillBothSlots() {
        // given alice's high-risk request with its checklist ticked
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment() + " risk:high");
        tickAll("frank", card);

        // when frank, who is both devops-lead and clinical-approver, approves
        console.react("frank", card.messageId(), "✅");

        // then he fills one slot only, and the deployment still waits for someone else
        awaitCard(card, t -> t.contains("✅ frank as ") && t.contains("Needs: 1 "));
        assertThat(card(card).text().lines().filter(l -> l.startsWith("✅ "))).hasSize(1);
        assertThat(status(card)).isEqualTo("PENDING_APPROVAL");
        assertThat(signedOff(card)).hasSize(1);

        // when carol (clinical-approver) approves too, frank moves to the slot only he can fill
        console.react("carol", card.messageId(), "✅");

        // then the quorum is complete (and the start is refused for want of a window)
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.startsWith("✅ carol approved " + card.id()
                + " as clinical-approver") && l.endsWith("frank now counts as devops-lead instead of clinical-approver.")));
        awaitStatus(card, STARTED, "FAILED");
        assertThat(signedOff(card)).containsExactlyInAnyOrder("frank=devops-lead", "carol=clinical-approver");
    }

    @Test
    void rejectionByAnApproverRejects() {
        // given alice's request waits for 1 approver
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment());

        // when carol, who could fill no slot of it, reacts ❌
        console.react("carol", card.messageId(), "❌");
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.contains("carol has no role")));
        // then nothing changes
        assertThat(status(card)).isEqualTo("PENDING_APPROVAL");

        // when bob, an approver, reacts ❌
        console.react("bob", card.messageId(), "❌");

        // then it is rejected, by bob, as approver
        awaitStatus(card, Duration.ofSeconds(30), "REJECTED");
        assertThat(deployment(card).get("detail")).isEqualTo("rejected by bob (approver)");
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.contains(card.id() + " is REJECTED (by bob)")));
        awaitCard(card, t -> t.contains("REJECTED") && t.contains("rejected by bob (approver)"));
    }

    @Test
    void revokingApprovalBeforeStartRemovesIt() {
        // given bob approved alice's high-risk request as devops-lead
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment() + " risk:high");
        console.react("bob", card.messageId(), "✅");
        awaitCard(card, t -> t.contains("✅ bob as devops-lead") && t.contains("Needs: 1 clinical-approver —"));

        // when bob takes his ✅ back
        console.unreact("bob", card.messageId(), "✅");

        // then the card shows devops-lead missing again, and the thread says bob withdrew
        awaitCard(card, t -> !t.contains("bob as devops-lead") && t.contains("Needs: 1 clinical-approver + 1 devops-lead"));
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.contains("bob withdrew their approval of "
                + card.id() + " (devops-lead)")));
        assertThat(signedOff(card)).isEmpty();
        assertThat(status(card)).isEqualTo("PENDING_APPROVAL");
    }

    @Test
    void withdrawingFromAScheduledDeploymentPutsItBackToWaiting() {
        // given alice's request for two hours from now, signed off by bob, so it is scheduled
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment() + " at:+2h");
        console.react("bob", card.messageId(), "✅");
        awaitStatus(card, Duration.ofSeconds(30), "SCHEDULED");

        // when bob takes his ✅ back before it starts
        console.unreact("bob", card.messageId(), "✅");

        // then it waits for sign-off again
        awaitStatus(card, Duration.ofSeconds(30), "PENDING_APPROVAL");
        awaitCard(card, t -> t.contains("PENDING_APPROVAL") && t.contains("Needs: 1 approver"));
        assertThat(signedOff(card)).isEmpty();
    }

    @Test
    void expiredApprovalsNoLongerCount() {
        // given alice's high-risk request and bob's approval of it, given five hours ago (expiry: 4h)
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment() + " risk:high");
        String digest = (String) deployment(card).get("imageDigest");
        approvals.grant(card.id(), "bob", Set.of("devops-lead"), digest, "reaction",
                Instant.now().minus(Duration.ofHours(5)));

        // when Vitals next looks at waiting deployments
        // then bob's approval is closed as expired and told in the thread; devops-lead is missing
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.startsWith("⌛ bob's approval of " + card.id())
                && l.contains("expired: it is older than 4h")));
        awaitCard(card, t -> t.contains("Needs: 1 clinical-approver + 1 devops-lead") && !t.contains("bob as"));

        // when carol approves now, only her approval counts
        console.react("carol", card.messageId(), "✅");
        awaitCard(card, t -> t.contains("✅ carol as clinical-approver") && t.contains("Needs: 1 devops-lead")
                && t.contains("Approvals expire 4h after they are given; the first at"));
        assertThat(signedOff(card)).containsExactly("carol=clinical-approver");

        // and bob's fresh ✅ counts again
        console.react("bob", card.messageId(), "✅");
        awaitCard(card, t -> t.contains("✅ bob as devops-lead"));
        assertThat(signedOff(card)).containsExactlyInAnyOrder("carol=clinical-approver", "bob=devops-lead");
    }

    @Test
    void anExpiredApprovalDoesNotStartAScheduledDeployment() {
        // given alice's request for half an hour from now, signed off by bob with an approval that expires
        // (4h) a few seconds from now, so it is scheduled
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment() + " at:+30m");
        String digest = (String) deployment(card).get("imageDigest");
        approvals.grant(card.id(), "bob", Set.of("approver"), digest, "reaction",
                Instant.now().minus(Duration.ofHours(4)).plus(Duration.ofSeconds(15)));
        signOffs.opened(deployments.find(card.id()).orElseThrow());
        awaitStatus(card, Duration.ofSeconds(15), "SCHEDULED");

        // when bob's approval expires before the scheduled time
        // then the deployment goes back to waiting for sign-off, the thread says why, and it never started
        awaitStatus(card, Duration.ofSeconds(60), "PENDING_APPROVAL");
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.startsWith("⌛ bob's approval of " + card.id())));
        awaitCard(card, t -> t.contains("PENDING_APPROVAL") && t.contains("Needs: 1 approver"));
        assertThat(steps(card)).isEmpty();
    }

    @Test
    void tagRepointedAfterApprovalBlocksTheStart() {
        // given a tag of our own that points at v1.4's image, and alice's request for it
        String tag = "t-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xffffff);
        String ref = "vitals-demo/backend:" + tag;
        DockerCli.run("docker", "tag", "vitals-demo/backend:v1.4", ref);
        try {
            Card card = request("alice", "/deploy backend " + tag + " " + TestCatalog.productionEnvironment());

            // when the tag is moved to v1.5's image, and then bob approves
            DockerCli.run("docker", "tag", "vitals-demo/backend:v1.5", ref);
            console.react("bob", card.messageId(), "✅");

            // then preflight refuses: the approval was for the digest requested, not for what the tag is now
            awaitStatus(card, STARTED, "FAILED");
            Map<String, Object> preflight = steps(card).getFirst();
            assertThat(preflight.get("name")).isEqualTo("preflight");
            assertThat((String) preflight.get("detail")).contains("the tag " + ref + " now points at")
                    .contains("Approvals were for that digest only");
        } finally {
            DockerCli.run("docker", "rmi", ref);
        }
    }

    @Test
    void buttonsApproveToo() {
        // given alice's request waits for 1 approver, with Approve and Reject on its card
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment());
        assertThat(card(card).components()).extracting(c -> c.id() + "=" + c.label())
                .containsSubsequence(SignOffStatus.APPROVE_BUTTON + card.id() + "=Approve",
                        SignOffStatus.REJECT_BUTTON + card.id() + "=Reject", "deployment:cancel:" + card.id() + "=Cancel");

        // when bob presses Approve
        console.click("bob", card.messageId(), SignOffStatus.APPROVE_BUTTON + card.id());

        // then it runs, with bob as the approver
        awaitStatus(card, STARTED, "SUCCEEDED");
        assertThat(signedOff(card)).containsExactly("bob=approver");
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.startsWith("✅ bob approved " + card.id()
                + " as approver by button")));
    }

    @Test
    void commandsApproveAndRejectWithAReason() {
        // given bob's high-risk request
        Card card = request("bob", "/deploy backend v1.4 " + TestCatalog.productionEnvironment() + " risk:high");

        // when carol approves by command, and bob tries to approve his own request by command
        String carols = console.ask("carol", "deploys", "/approve " + card.id());
        String bobs = console.ask("bob", "deploys", "/approve " + card.id());

        // then carol's counts and the reply says what is still needed; bob's does not count
        assertThat(carols).contains("carol approved " + card.id() + " as clinical-approver by command")
                .contains("Still needed: 1 devops-lead; checklist " + String.join(", ", TestCatalog.HIGH_RISK_CHECKLIST));
        assertThat(bobs).contains("bob requested " + card.id()).contains("does not count");
        assertThat(signedOff(card)).containsExactly("carol=clinical-approver");

        // when frank rejects it by command, with a reason
        String franks = console.ask("frank", "deploys", "/reject " + card.id() + " backup not verified");

        // then it is rejected with frank's reason
        String detail = "rejected by frank (clinical-approver, devops-lead): “backup not verified”";
        assertThat(franks).contains(card.id() + " is rejected: " + detail);
        awaitStatus(card, Duration.ofSeconds(30), "REJECTED");
        assertThat(deployment(card).get("detail")).isEqualTo(detail);
    }

    @Test
    void cardShowsWhoApprovedAndWhatIsMissing() {
        // given alice's high-risk request
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment() + " risk:high");

        // then its card says what it needs, offers the buttons, and carries the bot's ✅ and ❌ to click
        Msg fresh = card(card);
        assertThat(fresh.text()).contains("Sign-off: 1 clinical-approver + 1 devops-lead (the requester, alice, never counts)")
                .contains("Needs: 1 clinical-approver + 1 devops-lead")
                .contains("Checklist: ☐ backup-confirmed · ☐ clinical-sign-off-filed · ☐ stakeholders-notified"
                        + " · ☐ rollback-plan-reviewed")
                .contains("Needs an active maintenance window");
        assertThat(fresh.components()).extracting(c -> c.label())
                .contains("Approve", "Reject", "Tick backup-confirmed", "Tick rollback-plan-reviewed", "Cancel");
        assertThat(fresh.reactions()).extracting(r -> r.emoji() + " " + r.users())
                .contains("✅ [vitals]", "❌ [vitals]");

        // when bob approves and carol ticks one item of the checklist
        console.react("bob", card.messageId(), "✅");
        console.click("carol", card.messageId(), SignOffStatus.CHECKLIST_BUTTON + card.id() + ":backup-confirmed");

        // then the card shows who approved for which role, what is missing, when approvals expire, the checklist
        awaitCard(card, t -> t.contains("☑ backup-confirmed (carol)"));
        Msg after = card(card);
        assertThat(after.text()).contains("✅ bob as devops-lead · ")
                .contains("Needs: 1 clinical-approver")
                .contains("Approvals expire 4h after they are given; the first at ")
                .contains("☐ clinical-sign-off-filed");
        assertThat(after.components()).extracting(c -> c.label())
                .doesNotContain("Tick backup-confirmed").contains("Tick clinical-sign-off-filed");
    }

    @Test
    void theRequesterCannotTickTheChecklist() {
        // given alice's high-risk request
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment() + " risk:high");

        // when alice ticks an item herself, and dave (a viewer) another
        console.click("alice", card.messageId(), SignOffStatus.CHECKLIST_BUTTON + card.id() + ":backup-confirmed");
        console.click("dave", card.messageId(), SignOffStatus.CHECKLIST_BUTTON + card.id() + ":stakeholders-notified");

        // then neither is ticked, and both are told why
        awaitThread(card, lines -> lines.stream().anyMatch(l -> l.contains("alice requested " + card.id()))
                && lines.stream().anyMatch(l -> l.contains("dave has no role")));
        assertThat(card(card).text()).contains("☐ backup-confirmed").contains("☐ stakeholders-notified");
    }

    @Test
    void vitalsVerifiesTheItemsItCanCheckItself() {
        // given alice's request in production
        Card card = request("alice", "/deploy backend v1.4 " + TestCatalog.productionEnvironment());
        Deployment d = deployments.find(card.id()).orElseThrow();

        // then Vitals finds the image and the engine itself, and no maintenance window (none can be open yet)
        assertThat(selfChecked.verify(d, SelfCheckedItems.IMAGE_PRESENT)).hasValueSatisfying(v ->
                assertThat(v).contains("vitals-demo/backend:v1.4").contains("is on the engine"));
        assertThat(selfChecked.verify(d, SelfCheckedItems.ENGINE_REACHABLE)).hasValueSatisfying(v ->
                assertThat(v).startsWith("Docker ").endsWith(" answers"));
        assertThat(selfChecked.verify(d, SelfCheckedItems.WINDOW_ACTIVE)).isEmpty();
        assertThat(selfChecked.verify(d, "backup-confirmed")).isEmpty();
    }

    // --- how a person sees it: the card in #deploys, its thread, and the HTTP API ---

    private Card request(String user, String command) {
        long posted = Long.parseLong(console.say(user, "deploys", command));
        Msg reply = awaitInDeploys(posted, m -> m.author().equals("vitals")
                && (m.text().startsWith("Deployment ") || m.text().startsWith("Cannot ")));
        assertThat(reply.text()).startsWith("Deployment ").contains("It waits for sign-off");
        Matcher id = DEPLOYMENT_ID.matcher(reply.text());
        assertThat(id.find()).isTrue();
        String deploymentId = id.group(1);
        Msg card = awaitInDeploys(posted, m -> m.author().equals("vitals") && m.text().contains("**" + deploymentId + "**")
                && m.text().contains("PENDING_APPROVAL"));
        assertThat(card.threadId()).isNotNull();
        return new Card(deploymentId, card.id(), card.threadId());
    }

    private Msg awaitInDeploys(long after, Predicate<Msg> match) {
        AtomicReference<Msg> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            found.set(deploys(after).stream().filter(match).findFirst().orElse(null));
            return found.get() != null;
        });
        return found.get();
    }

    private List<Msg> deploys(long after) {
        return console.read(console.get("/console/api/messages?channel=deploys&after=" + after).body(),
                new TypeReference<List<Msg>>() { });
    }

    private Msg card(Card card) {
        return deploys(Long.parseLong(card.messageId()) - 1).getFirst();
    }

    private void awaitCard(Card card, Predicate<String> text) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> text.test(card(card).text()));
    }

    private List<String> threadLines(Card card) {
        return console.thread(card.threadId()).stream().filter(m -> m.author().equals("vitals"))
                .flatMap(m -> Arrays.stream(m.text().split("\n"))).toList();
    }

    private void awaitThread(Card card, Predicate<List<String>> lines) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> lines.test(threadLines(card)));
    }

    private void tickAll(String user, Card card) {
        for (String item : TestCatalog.HIGH_RISK_CHECKLIST) {
            console.click(user, card.messageId(), SignOffStatus.CHECKLIST_BUTTON + card.id() + ":" + item);
        }
    }

    private Map<String, Object> deployment(Card card) {
        return console.read(console.get("/api/deployments/" + card.id()).body(), new TypeReference<>() { });
    }

    private String status(Card card) {
        return (String) deployment(card).get("status");
    }

    private void awaitStatus(Card card, Duration within, String expected) {
        await().atMost(within).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(status(card)).isEqualTo(expected));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> steps(Card card) {
        return (List<Map<String, Object>>) deployment(card).get("steps");
    }

    /** The approvals the HTTP API lists, as user=role. */
    @SuppressWarnings("unchecked")
    private List<String> signedOff(Card card) {
        return ((List<Map<String, Object>>) deployment(card).get("approvals")).stream()
                .map(a -> a.get("user") + "=" + a.get("role")).toList();
    }
}
