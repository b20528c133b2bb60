package dev.vitals.deploy;

import dev.vitals.catalog.Catalog.Policy;
import java.util.List;
import java.util.Optional;

/**
 * The rollback rule. Without sign-off a rollback may go only to a version that SUCCEEDED in the same
 * environment, by the same digest: the digest recorded on that deployment must be what will run (the
 * kept container's image, or what the tag points at now). Anything else (another tag, a moved tag, a
 * version never live there) is a deploy under the environment's policy. An environment may ask sign-off
 * even for rollbacks within the rule ({@code rollback: {approvals: …}}). Pure: decides and says why.
 */
final class RollbackRule {
    private RollbackRule() {
    }

    /** What a rollback would run: an image id, and where it comes from, in words. */
    record Candidate(String digest, String source) {
    }

    /**
     * The outcome: {@code within} the rule (returning to {@code succeeded}) or not (a deploy), and the
     * line the card and the audit entry carry.
     */
    record Decision(boolean within, Optional<Deployment> succeeded, String line) {
    }

    /**
     * @param succeededThere the SUCCEEDED deployments of the target version in the environment, newest first
     * @param rollbackPolicy the environment's sign-off for rollbacks within the rule
     * @param deployNeedsSignOff whether the environment's policy asks sign-off of the deploy it would become
     */
    static Decision decide(String target, String environment, Candidate runs, List<Deployment> succeededThere,
                           Policy rollbackPolicy, boolean deployNeedsSignOff) {
        Optional<Deployment> same = succeededThere.stream()
                .filter(d -> d.version().equals(target) && d.imageDigest().equals(runs.digest()))
                .findFirst();
        if (same.isPresent()) {
            String back = "Rollback rule: to " + target + " that SUCCEEDED in " + environment + " (" + same.get().id()
                    + "), same digest";
            return new Decision(true, same, rollbackPolicy.needsApproval()
                    ? back + " — " + environment + " asks sign-off for every rollback: " + describe(rollbackPolicy)
                    : back + " — no sign-off needed");
        }
        String why = succeededThere.stream().filter(d -> d.version().equals(target)).findFirst()
                .map(d -> "what would run, " + Deployment.shortDigest(runs.digest()) + " from " + runs.source()
                        + ", is not the " + d.shortDigest() + " that SUCCEEDED in " + environment + " (" + d.id() + ")")
                .orElse(target + " never succeeded in " + environment);
        return new Decision(false, Optional.empty(), "Rollback rule: to " + target
                + (deployNeedsSignOff ? " needs sign-off as a deploy under " : " goes as a deploy under ")
                + environment + "'s policy: " + why);
    }

    private static String describe(Policy p) {
        return String.join(" + ", p.approvals().entrySet().stream().filter(e -> e.getValue() > 0).sorted(
                java.util.Map.Entry.comparingByKey()).map(e -> e.getValue() + " " + e.getKey()).toList());
    }
}
