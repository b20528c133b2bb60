package dev.vitals.approval;

import dev.vitals.leadership.Leadership;
import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.DurationText;
import dev.vitals.chat.Caller;
import dev.vitals.chat.UserText;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.DeploymentStatus;
import dev.vitals.deploy.Deployments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import dev.vitals.deploy.DeploymentRejected;
import dev.vitals.deploy.SignOffCompleted;
import dev.vitals.deploy.SignOffProgressed;
import dev.vitals.deploy.SignOffWithdrawn;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides and records sign-off: approvals (role-typed, digest-bound, expiring), withdrawals,
 * rejections and checklist ticks, from whichever input they came (reaction, button, command). What it
 * decides, deploy hears as events: {@link SignOffCompleted} when quorum and checklist are complete,
 * {@link SignOffWithdrawn} when a signed-off deployment lost a sign-off it counted on (withdrawn or
 * lapsed), {@link DeploymentRejected}, and {@link SignOffProgressed} for its card.
 *
 * <p>Each decision is one transaction that holds the deployment's row ({@code SELECT ... FOR UPDATE}),
 * so two approvals arriving together, in one process or two, are counted one after the other, and a
 * start cannot slip between a decision and its record. What is told in the thread is written after the
 * transaction committed ({@link SignOffNarration}), never while the row is held.
 */
@Component
@Transactional
class SignOffs {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SignOffs.class);
    enum Via {
        REACTION, BUTTON, COMMAND;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What became of one attempt: DONE was recorded and told in the thread; IGNORED did not count and
     * {@code text} says who and why; UNCHANGED changed nothing (e.g. approving twice).
     */
    record Result(Kind kind, String text) {
        enum Kind { DONE, IGNORED, UNCHANGED }

        static Result done(String text) {
            return new Result(Kind.DONE, text);
        }

        static Result unchanged(String text) {
            return new Result(Kind.UNCHANGED, text);
        }
    }

    private static final String VITALS = "vitals";

    private final Deployments deployments;
    private final SignOffStatus status;
    private final ApprovalStore store;
    private final SelfCheckedItems selfChecked;
    private final ApplicationEventPublisher events;
    private final SignOffNarration narration;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration expiry;
    private final Leadership leadership;

    SignOffs(Deployments deployments, SignOffStatus status, ApprovalStore store, SelfCheckedItems selfChecked,
             ApplicationEventPublisher events, SignOffNarration narration, TransactionTemplate tx, Catalog catalog,
             Clock clock, Leadership leadership) {
        this.deployments = deployments;
        this.status = status;
        this.store = store;
        this.selfChecked = selfChecked;
        this.events = events;
        this.narration = narration;
        this.tx = tx;
        this.clock = clock;
        this.expiry = catalog.defaults().approvalExpiry();
        this.leadership = leadership;
    }

    /** A new request waits for sign-off: Vitals ticks what it can verify itself and counts. */
    void opened(Deployment d) {
        settle(fresh(d), VITALS);
    }

    Result approve(Deployment given, Caller caller, Via via) {
        Deployment d = fresh(given);
        SignOffStatus.State before = status.of(d);
        Optional<String> why = ineligible(before, caller, "approval");
        if (why.isPresent()) {
            return ignored(d, caller, "approve", why.get());
        }
        Instant now = clock.instant();
        Optional<ApprovalStore.Row> existing = store.inForce(d.id(), caller.name());
        if (existing.isPresent()) {
            ApprovalStore.Row row = existing.get();
            if (row.at().plus(expiry).isAfter(now)) {
                return Result.unchanged(caller.name() + " already approved " + d.id()
                        + before.count().roleOf(caller.name()).map(r -> " as " + r).orElse("") + " at "
                        + status.time(row.at()) + "; it counts until " + status.time(row.at().plus(expiry)) + ".");
            }
            // An expired approval given again is a new approval: the old one is closed first.
            lapse(d, row, now);
        }
        Set<String> roles = RolePolicy.signOffRoles(caller.roles(), before.quorum());
        if (!store.grant(d.id(), caller.name(), roles, d.imageDigest(), via.word(), now)) {
            return Result.unchanged(caller.name() + " already approved " + d.id() + ".");
        }
        SignOffStatus.State after = status.of(d);
        Optional<String> role = after.count().roleOf(caller.name());
        log.debug("{} approved {} ({}) as {}", caller.name(), d.id(), d.status(), role.orElse("no slot"));
        events.publishEvent(new ApprovalGranted(d.id(), caller.name(), role.orElse(null), d.imageDigest(),
                via.word(), now));
        String line = "✅ " + caller.name() + " approved " + d.id() + role.map(r -> " as " + r)
                .orElse(" (no open slot for " + String.join(", ", roles.stream().sorted().toList())
                        + ": it counts if one frees up)")
                + " by " + via.word() + ", for " + d.shortDigest() + "; it counts until "
                + status.time(now.plus(expiry)) + "." + moved(before.count(), after.count());
        narration.say(d, line);
        return Result.done(line + " " + settle(d, caller.name()));
    }

    /** Withdraws the caller's approval while the deployment has not started. */
    Result revoke(Deployment given, Caller caller) {
        Deployment d = fresh(given);
        Optional<ApprovalStore.Row> mine = store.inForce(d.id(), caller.name());
        if (mine.isEmpty()) {
            return Result.unchanged(caller.name() + " has no approval of " + d.id() + " to withdraw.");
        }
        boolean signedOff = d.status() == DeploymentStatus.APPROVED || d.status() == DeploymentStatus.SCHEDULED;
        if (d.status() != DeploymentStatus.PENDING_APPROVAL && !signedOff) {
            return ignored(d, caller, "revoke", caller.name() + " withdrew their ✅ after " + d.id() + " had "
                    + (d.status() == DeploymentStatus.RUNNING ? "started; the approval it started with"
                    : "ended (" + d.status() + "); the approval") + " stays on the record.");
        }
        Instant now = clock.instant();
        Optional<ApprovalStore.Row> revoked = store.revoke(d.id(), caller.name(), now);
        if (revoked.isEmpty()) {
            return Result.unchanged(caller.name() + " has no approval of " + d.id() + " to withdraw.");
        }
        String role = revoked.get().role();
        events.publishEvent(new ApprovalRevoked(d.id(), caller.name(), role, "approval withdrawn", now));
        String line = "↩️ " + caller.name() + " withdrew their approval of " + d.id()
                + (role == null ? "" : " (" + role + ")") + ".";
        narration.say(d, line);
        if (signedOff && !status.cleared(d)) {
            // Signed off but not started: it waits for sign-off again (deploy moves it back).
            events.publishEvent(new SignOffWithdrawn(d.id(), caller.name(), caller.name()
                    + " withdrew their approval", now));
            return Result.done(line + " " + d.id() + " waits for sign-off again.");
        }
        return Result.done(line + " " + settle(d, caller.name()));
    }

    Result reject(Deployment given, Caller caller, String reason, Via via) {
        Deployment d = fresh(given);
        SignOffStatus.State s = status.of(d);
        if (d.status() == DeploymentStatus.RUNNING || d.status().terminal()) {
            return ignored(d, caller, "reject", d.id() + " is " + d.status() + ": it can no longer be rejected"
                    + (d.status() == DeploymentStatus.RUNNING ? " (/cancel " + d.id() + " stops it before traffic"
                    + " moves)" : "") + ". " + caller.name() + "'s ❌ changes nothing.");
        }
        if (caller.name().equals(d.requestedBy())) {
            return ignored(d, caller, "reject", caller.name() + " requested " + d.id() + ", so " + caller.name()
                    + "'s rejection does not count (the requester never signs off their own change). /cancel "
                    + d.id() + " withdraws it.");
        }
        Set<String> roles = RolePolicy.signOffRoles(caller.roles(), s.quorum());
        if (roles.isEmpty()) {
            return ignored(d, caller, "reject", noRole(s, caller));
        }
        String as = String.join(", ", roles.stream().sorted().toList());
        Instant now = clock.instant();
        if (!store.reject(d.id(), caller.name(), roles, reason, via.word(), now)) {
            return Result.unchanged(d.id() + " was rejected already.");
        }
        // The row is held and the deployment has not started; a start racing this one finds it no longer
        // cleared, so it ends REJECTED once deploy hears the event.
        DeploymentRejected rejected = new DeploymentRejected(d.id(), caller.name(), as, reason, via.word(), now);
        events.publishEvent(rejected);
        return Result.done("❌ " + d.id() + " is rejected: " + rejected.detail() + ".");
    }

    Result tick(Deployment given, Caller caller, String item) {
        Deployment d = fresh(given);
        SignOffStatus.State s = status.of(d);
        if (!s.policy().checklist().contains(item)) {
            return ignored(d, caller, "tick", d.id() + "'s checklist has no item '" + item + "'; its items: "
                    + String.join(", ", s.policy().checklist()) + ".");
        }
        if (SelfCheckedItems.isSelfChecked(item)) {
            return ignored(d, caller, "tick", item + " is verified by Vitals itself; nobody ticks it by hand.");
        }
        Optional<String> why = ineligible(s, caller, "tick");
        if (why.isPresent()) {
            return ignored(d, caller, "tick", why.get());
        }
        Instant now = clock.instant();
        if (!store.tick(d.id(), item, caller.name(), now)) {
            return Result.unchanged(item + " is ticked already.");
        }
        events.publishEvent(new ChecklistItemTicked(d.id(), caller.name(), item, "ticked by hand", now));
        String line = "☑ " + caller.name() + " ticked " + item + ".";
        narration.say(d, line);
        return Result.done(line + " " + settle(d, caller.name()));
    }

    /**
     * Answers an ignored reaction or click in the deployment's thread, once per person and deployment:
     * a second try gets no second answer (the first still stands in the thread).
     */
    void tellOnce(Deployment d, Caller caller, Result result) {
        if (result.kind() == Result.Kind.IGNORED && store.firstNotice(d.id(), caller.name(), clock.instant())) {
            narration.say(d, "🚫 " + result.text());
        }
    }

    /**
     * Closes approvals that expired while their deployment has not started, so nobody mistakes them for
     * valid: one waiting for sign-off counts again; one already signed off (SCHEDULED, or APPROVED and
     * waiting for a lock) that no longer has its quorum goes back to waiting for sign-off.
     */
    @Scheduled(fixedDelayString = "${vitals.scheduler-interval:5s}", initialDelayString = "${vitals.scheduler-interval:5s}")
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.NOT_SUPPORTED)
    void lapseExpired() {
        if (!leadership.isActive()) {
            return;
        }
        for (DeploymentStatus waitingIn : List.of(DeploymentStatus.PENDING_APPROVAL, DeploymentStatus.SCHEDULED,
                DeploymentStatus.APPROVED)) {
            for (Deployment waiting : deployments.search(null, null, waitingIn.name(), 500)) {
                if (status.required(waiting)) {
                    tx.executeWithoutResult(t -> lapseExpired(waiting));
                }
            }
        }
    }

    private void lapseExpired(Deployment waiting) {
        Deployment d = fresh(waiting);
        if (d.status() != waiting.status()) {
            return;
        }
        Instant now = clock.instant();
        boolean changed = false;
        for (ApprovalStore.Row row : store.inForce(d.id())) {
            if (!row.at().plus(expiry).isAfter(now)) {
                changed |= lapse(d, row, now);
            }
        }
        if (!changed) {
            return;
        }
        if (d.status() == DeploymentStatus.PENDING_APPROVAL) {
            settle(d, VITALS);
        } else if (!status.cleared(d)) {
            events.publishEvent(new SignOffWithdrawn(d.id(), VITALS, "an approval it counted on expired before it"
                    + " started; it waits for sign-off again", now));
        }
    }

    private boolean lapse(Deployment d, ApprovalStore.Row row, Instant now) {
        if (!store.lapse(row.id(), now)) {
            return false;
        }
        String detail = "older than " + DurationText.format(expiry) + " (given " + status.time(row.at()) + ")";
        events.publishEvent(new ApprovalExpired(d.id(), row.user(), row.role(), detail, now));
        narration.say(d, "⌛ " + row.user() + "'s approval of " + d.id() + (row.role() == null ? "" : " ("
                + row.role() + ")") + " expired: it is " + detail + ". Approve again if it still holds.");
        return true;
    }

    /**
     * After a change: tick what Vitals can verify, remember which slot each approval fills, refresh the
     * card, and when quorum and checklist are complete let the deployment go. Returns what still stands.
     */
    private String settle(Deployment d, String actor) {
        events.publishEvent(new SignOffProgressed(d.id(), clock.instant()));
        if (d.status() != DeploymentStatus.PENDING_APPROVAL) {
            return "";
        }
        SignOffStatus.State s = status.of(d);
        for (String item : s.unticked()) {
            Optional<String> found = selfChecked.verify(d, item);
            if (found.isPresent() && store.tick(d.id(), item, VITALS, clock.instant())) {
                events.publishEvent(new ChecklistItemTicked(d.id(), VITALS, item, found.get(), clock.instant()));
                narration.say(d, "☑ Vitals ticked " + item + ": " + found.get() + ".");
            }
        }
        s = status.of(d);
        for (ApprovalStore.Row row : s.approvals()) {
            store.assign(row.id(), s.count().roleOf(row.user()).orElse(null));
        }
        if (!s.complete()) {
            return "Still needed: " + stillNeeded(s) + ".";
        }
        List<String> who = s.count().filled().stream().map(f -> f.user() + " as " + f.role()).toList();
        String line = "🟢 Sign-off of " + d.id() + " is complete" + (who.isEmpty() ? "" : ": " + String.join(", ", who))
                + (s.policy().checklist().isEmpty() ? "" : (who.isEmpty() ? ": " : "; ") + "checklist done") + ".";
        if (status.windowMissing(d)) {
            line += " But " + status.windowWarning(d);
        } else {
            line += " It starts now" + (d.notBefore() != null && d.notBefore().isAfter(clock.instant())
                    ? " at " + status.time(d.notBefore()) : "") + ".";
        }
        narration.say(d, line);
        events.publishEvent(new SignOffCompleted(d.id(), actor, clock.instant()));
        return line;
    }

    /** Names the people whose slot changed so a newcomer could count too (one person, one slot). */
    private static String moved(Quorum.Count before, Quorum.Count after) {
        List<String> moves = new ArrayList<>();
        for (Quorum.Filled f : before.filled()) {
            after.roleOf(f.user()).filter(role -> !role.equals(f.role()))
                    .ifPresent(role -> moves.add(f.user() + " now counts as " + role + " instead of " + f.role()));
        }
        return moves.isEmpty() ? "" : " " + String.join("; ", moves) + ".";
    }

    private static String stillNeeded(SignOffStatus.State s) {
        List<String> parts = new ArrayList<>();
        if (!s.count().missing().isEmpty()) {
            parts.add(Quorum.describe(s.count().missing()));
        }
        if (!s.unticked().isEmpty()) {
            parts.add("checklist " + String.join(", ", s.unticked()));
        }
        return String.join("; ", parts);
    }

    /** Why a person's sign-off cannot count for this deployment now; empty when it can. */
    private Optional<String> ineligible(SignOffStatus.State s, Caller caller, String what) {
        Deployment d = s.deployment();
        if (d.status() != DeploymentStatus.PENDING_APPROVAL) {
            return Optional.of(d.id() + " is " + d.status() + ": it no longer waits for sign-off, so " + caller.name()
                    + "'s " + what + " changes nothing.");
        }
        if (caller.name().equals(d.requestedBy())) {
            return Optional.of(caller.name() + " requested " + d.id() + ", so " + caller.name() + "'s " + what
                    + " does not count: the requester never signs off their own change"
                    + (s.quorum().needsAnyone() ? "; it needs " + Quorum.describe(s.quorum().required())
                    + " from others" : "") + ".");
        }
        if (RolePolicy.signOffRoles(caller.roles(), s.quorum()).isEmpty()) {
            return Optional.of(noRole(s, caller));
        }
        return Optional.empty();
    }

    private static String noRole(SignOffStatus.State s, Caller caller) {
        String needs = s.quorum().needsAnyone() ? Quorum.describe(s.quorum().required())
                : "one of the roles " + String.join(", ", RolePolicy.SIGNERS);
        return caller.name() + " has no role that " + s.deployment().id() + "'s sign-off needs (it needs " + needs
                + "); " + caller.name() + " has: " + (caller.roles().isEmpty() ? "no roles"
                : String.join(", ", caller.roles().stream().sorted().toList())) + ". Nothing changed.";
    }

    private Result ignored(Deployment d, Caller caller, String action, String why) {
        log.info("{}'s {} of {} changes nothing: {}", caller.name(), action, d.id(), why);
        events.publishEvent(new SignOffIgnored(d.id(), caller.name(), action, why, clock.instant()));
        return new Result(Result.Kind.IGNORED, why);
    }

    /** The deployment as it is now, its row held until this decision commits. */
    private Deployment fresh(Deployment d) {
        return deployments.findForUpdate(d.id()).orElse(d);
    }
}
