package dev.vitals.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the quorum count over random policies, people, roles and approval times. */
class ApprovalQuorumPropertiesTest {
    private static final List<String> ROLES = List.of("approver", "devops-lead", "clinical-approver", "compliance");
    private static final List<String> PEOPLE = List.of("alice", "bob", "carol", "dave", "erin", "frank");
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration EXPIRY = Duration.ofHours(4);
    private static final String DIGEST = "sha256:aaaa";

    record Case(Map<String, Integer> required, List<Quorum.Approval> approvals, String requester) {
        Quorum.Count count() {
            return new Quorum(required).count(approvals, requester, DIGEST, NOW, EXPIRY);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Map<String, Integer>> required = Arbitraries.maps(Arbitraries.of(ROLES), Arbitraries.integers()
                .between(0, 3)).ofMaxSize(4);
        Arbitrary<Quorum.Approval> approval = Combinators.combine(Arbitraries.of(PEOPLE),
                        Arbitraries.subsetOf(ROLES).ofMaxSize(3), Arbitraries.integers().between(0, 300),
                        Arbitraries.of(DIGEST, DIGEST, "sha256:bbbb"))
                .as((user, roles, minutesAgo, digest) -> new Quorum.Approval(user, roles,
                        NOW.minus(Duration.ofMinutes(minutesAgo)), digest));
        return Combinators.combine(required, approval.list().ofMaxSize(8), Arbitraries.of(PEOPLE)).as(Case::new);
    }

    @Property
    void theRequesterIsNeverCounted(@ForAll("cases") Case c) {
        assertThat(c.count().filled()).noneMatch(f -> f.user().equals(c.requester()));
    }

    @Property
    void nobodyIsCountedTwice(@ForAll("cases") Case c) {
        List<String> users = c.count().filled().stream().map(Quorum.Filled::user).toList();
        assertThat(users).doesNotHaveDuplicates();
    }

    @Property
    void filledAndMissingAddUpToWhatThePolicyRequires(@ForAll("cases") Case c) {
        Quorum.Count count = c.count();
        Map<String, Integer> filled = new HashMap<>();
        count.filled().forEach(f -> filled.merge(f.role(), 1, Integer::sum));
        new Quorum(c.required()).required().forEach((role, n) -> {
            assertThat(filled.getOrDefault(role, 0)).isLessThanOrEqualTo(n);
            assertThat(filled.getOrDefault(role, 0) + count.missing().getOrDefault(role, 0)).isEqualTo(n);
        });
        assertThat(filled.keySet()).isSubsetOf(new Quorum(c.required()).required().keySet());
    }

    @Property
    void everyoneCountedHoldsTheRoleTheyFillAndAValidApproval(@ForAll("cases") Case c) {
        for (Quorum.Filled f : c.count().filled()) {
            assertThat(c.approvals()).anySatisfy(a -> {
                assertThat(a.user()).isEqualTo(f.user());
                assertThat(a.roles()).contains(f.role());
                assertThat(a.imageDigest()).isEqualTo(DIGEST);
                assertThat(a.at().plus(EXPIRY)).isAfter(NOW);
            });
        }
    }

    @Property
    void fillsAsManySlotsAsAnyAssignmentCould(@ForAll("cases") Case c) {
        assertThat(c.count().filled()).hasSize(bruteForceMaximum(c));
    }

    /** The largest number of slots any one-person-one-slot assignment of the valid approvals can fill. */
    private static int bruteForceMaximum(Case c) {
        Map<String, Quorum.Approval> latest = new HashMap<>();
        for (Quorum.Approval a : c.approvals()) {
            if (!a.user().equals(c.requester()) && a.imageDigest().equals(DIGEST) && a.at().plus(EXPIRY).isAfter(NOW)) {
                // The latest valid approval of a person is the one that counts.
                latest.merge(a.user(), a, (old, neu) -> neu.at().isBefore(old.at()) ? old : neu);
            }
        }
        List<Set<String>> people = latest.values().stream().map(Quorum.Approval::roles).toList();
        List<String> slots = new ArrayList<>();
        new Quorum(c.required()).required().forEach((role, n) -> {
            for (int i = 0; i < n; i++) {
                slots.add(role);
            }
        });
        return best(people, 0, slots, new HashSet<>());
    }

    private static int best(List<Set<String>> people, int p, List<String> slots, Set<Integer> taken) {
        if (p == people.size()) {
            return 0;
        }
        int result = best(people, p + 1, slots, taken);
        for (int s = 0; s < slots.size(); s++) {
            if (!taken.contains(s) && people.get(p).contains(slots.get(s))) {
                taken.add(s);
                result = Math.max(result, 1 + best(people, p + 1, slots, taken));
                taken.remove(s);
            }
        }
        return result;
    }
}
