package dev.vitals.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A role-typed quorum (e.g. 1 devops-lead + 1 clinical-approver) and how far a set of approvals
 * fills it. Pure: the same approvals, requester, digest and instant always give the same count.
 *
 * <p>Rules: the requester never counts; an approval counts only for the digest it was given for and
 * only until it expires; one person fills at most one slot, whatever roles they hold. Slots are
 * assigned by a maximum bipartite matching (augmenting paths), so a person with two roles never
 * blocks a slot that only someone else could fill. People are placed in the order they approved, and
 * an augmenting path never unplaces anyone, so the earliest approvers keep counting.
 */
record Quorum(Map<String, Integer> required) {

    Quorum {
        Map<String, Integer> slots = new TreeMap<>();
        required.forEach((role, n) -> {
            if (n != null && n > 0) {
                slots.put(role, n);
            }
        });
        required = java.util.Collections.unmodifiableMap(slots);
    }

    /** An approval as given: by whom, with which of the policy's roles, when, for which image. */
    record Approval(String user, Set<String> roles, Instant at, String imageDigest) {
        Approval {
            roles = Set.copyOf(roles);
        }
    }

    /** A slot filled by one approval. */
    record Filled(String user, String role, Instant at) {
    }

    /**
     * The outcome: the slots filled, what is still missing per role, when the first counted approval
     * expires, and the approvals that are valid but fill no slot (their roles are full).
     */
    record Count(List<Filled> filled, Map<String, Integer> missing, Optional<Instant> earliestExpiry,
                 List<Approval> spare) {
        boolean complete() {
            return missing.isEmpty();
        }

        Optional<String> roleOf(String user) {
            return filled.stream().filter(f -> f.user().equals(user)).map(Filled::role).findFirst();
        }
    }

    boolean needsAnyone() {
        return !required.isEmpty();
    }

    int size() {
        return required.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The roles of this quorum that a person holding {@code roles} could fill. */
    Set<String> slotsFor(Set<String> roles) {
        return Set.copyOf(roles.stream().filter(required::containsKey).toList());
    }

    Count count(List<Approval> approvals, String requester, String digest, Instant now, Duration expiry) {
        // The latest valid approval per person; earlier ones are superseded.
        Map<String, Approval> byUser = new LinkedHashMap<>();
        approvals.stream()
                .filter(a -> !a.user().equals(requester))
                .filter(a -> a.imageDigest().equals(digest))
                .filter(a -> a.at().plus(expiry).isAfter(now))
                .sorted(Comparator.comparing(Approval::at))
                .forEach(a -> byUser.put(a.user(), a));
        List<Approval> people = new ArrayList<>(byUser.values().stream()
                .filter(a -> !slotsFor(a.roles()).isEmpty()).toList());
        people.sort(Comparator.comparing(Approval::at).thenComparing(Approval::user));

        List<String> slots = new ArrayList<>();
        required.forEach((role, n) -> {
            for (int i = 0; i < n; i++) {
                slots.add(role);
            }
        });
        int[] holder = new int[slots.size()];
        java.util.Arrays.fill(holder, -1);
        for (int p = 0; p < people.size(); p++) {
            place(p, people, slots, holder, new boolean[slots.size()]);
        }

        List<Filled> filled = new ArrayList<>();
        Map<String, Integer> missing = new TreeMap<>();
        boolean[] placed = new boolean[people.size()];
        for (int s = 0; s < slots.size(); s++) {
            if (holder[s] < 0) {
                missing.merge(slots.get(s), 1, Integer::sum);
            } else {
                Approval a = people.get(holder[s]);
                placed[holder[s]] = true;
                filled.add(new Filled(a.user(), slots.get(s), a.at()));
            }
        }
        filled.sort(Comparator.comparing(Filled::at).thenComparing(Filled::user));
        List<Approval> spare = new ArrayList<>();
        for (int p = 0; p < people.size(); p++) {
            if (!placed[p]) {
                spare.add(people.get(p));
            }
        }
        Optional<Instant> earliest = filled.stream().map(f -> f.at().plus(expiry)).min(Comparator.naturalOrder());
        return new Count(List.copyOf(filled), java.util.Collections.unmodifiableMap(missing), earliest,
                List.copyOf(spare));
    }

    /** Kuhn's augmenting path: gives person {@code p} a free slot, or moves someone else to make one. */
    private boolean place(int p, List<Approval> people, List<String> slots, int[] holder, boolean[] seen) {
        Set<String> roles = people.get(p).roles();
        for (int s = 0; s < slots.size(); s++) {
            if (seen[s] || !roles.contains(slots.get(s))) {
                continue;
            }
            seen[s] = true;
            if (holder[s] < 0 || place(holder[s], people, slots, holder, seen)) {
                holder[s] = p;
                return true;
            }
        }
        return false;
    }

    /** "1 devops-lead + 1 clinical-approver". */
    static String describe(Map<String, Integer> roles) {
        return String.join(" + ", roles.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
    }
}
