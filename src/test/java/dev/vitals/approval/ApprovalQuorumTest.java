package dev.vitals.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The quorum count on its own: matching people to role slots, the requester, expiry and the digest. */
class ApprovalQuorumTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration EXPIRY = Duration.ofHours(4);
    private static final String DIGEST = "sha256:aaaa";
    private static final Quorum HIGH = new Quorum(Map.of("devops-lead", 1, "clinical-approver", 1));
    private static final Quorum MEDIUM = new Quorum(Map.of("approver", 1));

    private static Quorum.Approval approval(String user, int minutesAgo, String... roles) {
        return new Quorum.Approval(user, Set.of(roles), NOW.minus(Duration.ofMinutes(minutesAgo)), DIGEST);
    }

    private static Quorum.Count count(Quorum q, String requester, Quorum.Approval... approvals) {
        return q.count(List.of(approvals), requester, DIGEST, NOW, EXPIRY);
    }

    @Test
    void theRequesterNeverCountsEvenWithTheRightRole() {
        // given bob requested, and bob approves with the approver role
        Quorum.Count c = count(MEDIUM, "bob", approval("bob", 5, "approver"));

        // then nothing is filled
        assertThat(c.filled()).isEmpty();
        assertThat(c.missing()).isEqualTo(Map.of("approver", 1));
        assertThat(c.complete()).isFalse();
    }

    @Test
    void onePersonWithBothRolesFillsOnlyOneSlot() {
        // when frank, who is devops-lead and clinical-approver, approves alone
        Quorum.Count c = count(HIGH, "alice", approval("frank", 5, "devops-lead", "clinical-approver"));

        // then one slot is filled and one is missing
        assertThat(c.filled()).hasSize(1);
        assertThat(c.missing().values()).containsExactly(1);
        assertThat(c.complete()).isFalse();
    }

    @Test
    void aLaterApproverMovesAPersonWithTwoRolesToTheSlotOnlyTheyCanFill() {
        // given frank (both roles) approved first and took clinical-approver
        Quorum.Approval frank = approval("frank", 10, "devops-lead", "clinical-approver");
        assertThat(count(HIGH, "alice", frank).filled()).extracting(Quorum.Filled::role)
                .containsExactly("clinical-approver");

        // when carol, clinical-approver only, approves
        Quorum.Count c = count(HIGH, "alice", frank, approval("carol", 5, "clinical-approver"));

        // then frank fills devops-lead and carol clinical-approver: the quorum is complete
        assertThat(c.complete()).isTrue();
        assertThat(c.filled()).extracting(f -> f.user() + "=" + f.role())
                .containsExactlyInAnyOrder("frank=devops-lead", "carol=clinical-approver");
    }

    @Test
    void anApprovalNoLongerCountsOnceItIsAsOldAsTheExpiry() {
        Quorum.Approval fresh = approval("bob", 239, "approver");
        Quorum.Approval expired = approval("bob", 240, "approver");

        assertThat(count(MEDIUM, "alice", fresh).complete()).isTrue();
        assertThat(count(MEDIUM, "alice", expired).complete()).isFalse();
        assertThat(count(MEDIUM, "alice", expired).filled()).isEmpty();
    }

    @Test
    void anApprovalCountsOnlyForTheDigestItWasGivenFor() {
        Quorum.Approval other = new Quorum.Approval("bob", Set.of("approver"), NOW, "sha256:bbbb");

        assertThat(count(MEDIUM, "alice", other).filled()).isEmpty();
    }

    @Test
    void theEarliestExpiryIsTheFirstCountedApprovalPlusTheExpiry() {
        Quorum.Count c = count(HIGH, "alice", approval("carol", 30, "clinical-approver"),
                approval("bob", 90, "devops-lead"));

        assertThat(c.earliestExpiry()).contains(NOW.minus(Duration.ofMinutes(90)).plus(EXPIRY));
    }

    @Test
    void approvalsBeyondTheQuorumAreSpareAndTheEarliestKeepsItsSlot() {
        Quorum.Count c = count(MEDIUM, "alice", approval("erin", 5, "approver"), approval("bob", 20, "approver"));

        assertThat(c.filled()).extracting(Quorum.Filled::user).containsExactly("bob");
        assertThat(c.spare()).extracting(Quorum.Approval::user).containsExactly("erin");
    }

    @Test
    void rolesTheQuorumDoesNotNameFillNothing() {
        Quorum.Count c = count(HIGH, "alice", approval("bob", 5, "approver"), approval("dave", 5, "viewer"));

        assertThat(c.filled()).isEmpty();
        assertThat(c.spare()).isEmpty();
        assertThat(c.missing()).isEqualTo(Map.of("devops-lead", 1, "clinical-approver", 1));
    }

    @Test
    void aPolicyThatNamesNoApprovalsIsCompleteWithNobody() {
        Quorum none = new Quorum(Map.of("approver", 0));

        assertThat(none.needsAnyone()).isFalse();
        assertThat(count(none, "alice").complete()).isTrue();
    }

    @Test
    void describesAQuorumInReadableOrder() {
        assertThat(Quorum.describe(HIGH.required())).isEqualTo("1 clinical-approver + 1 devops-lead");
    }
}
