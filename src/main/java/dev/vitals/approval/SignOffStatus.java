package dev.vitals.approval;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.Policy;
import dev.vitals.catalog.DurationText;
import dev.vitals.chat.Button;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.DeploymentStatus;
import dev.vitals.deploy.MaintenanceWindows;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Where a deployment's sign-off stands, read from the database and counted against its policy, and
 * how that reads on the card. Only reads: deciding and recording is {@link SignOffs}' job.
 */
@Component
@EnableConfigurationProperties(ApprovalProperties.class)
class SignOffStatus {
    static final String APPROVE_BUTTON = "approval:approve:";
    static final String REJECT_BUTTON = "approval:reject:";
    static final String CHECKLIST_BUTTON = "checklist:";

    private final Catalog catalog;
    private final ApprovalStore store;
    private final MaintenanceWindows windows;
    private final Clock clock;
    private final DateTimeFormatter times;

    SignOffStatus(Catalog catalog, ApprovalStore store, MaintenanceWindows windows, Clock clock,
                  ApprovalProperties properties) {
        this.catalog = catalog;
        this.store = store;
        this.windows = windows;
        this.clock = clock;
        this.times = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").withZone(properties.zone());
    }

    /**
     * The sign-off of one deployment. While it waits ({@code live}) the approvals in force are counted
     * now, with expiry; afterwards the slots they filled when it was signed off are what stands.
     */
    record State(Deployment deployment, Policy policy, Quorum quorum, Quorum.Count count,
                 List<ApprovalStore.Row> approvals, List<ApprovalStore.Tick> ticks, boolean live) {

        List<String> unticked() {
            Set<String> done = ticks.stream().map(ApprovalStore.Tick::item).collect(Collectors.toSet());
            return policy.checklist().stream().filter(i -> !done.contains(i)).toList();
        }

        boolean complete() {
            return count.complete() && unticked().isEmpty();
        }

        boolean waiting() {
            return deployment.status() == DeploymentStatus.PENDING_APPROVAL;
        }

        Optional<ApprovalStore.Row> approvalOf(String user) {
            return approvals.stream().filter(r -> r.user().equals(user)).findFirst();
        }
    }

    /** A deploy's environment × risk policy; a rollback (within the rollback rule) its environment's rollback sign-off. */
    Policy policy(Deployment d) {
        return d.kind() == Deployment.Kind.ROLLBACK ? catalog.rollbackPolicy(d.environment())
                : catalog.policy(d.environment(), d.risk());
    }

    boolean required(Deployment d) {
        Policy p = policy(d);
        return p.needsApproval() || !p.checklist().isEmpty();
    }

    State of(Deployment d) {
        Policy policy = policy(d);
        Quorum quorum = new Quorum(policy.approvals());
        List<ApprovalStore.Row> rows = store.inForce(d.id());
        List<ApprovalStore.Tick> ticks = store.ticks(d.id());
        if (d.status() == DeploymentStatus.PENDING_APPROVAL) {
            Quorum.Count count = quorum.count(rows.stream().map(ApprovalStore.Row::approval).toList(), d.requestedBy(),
                    d.imageDigest(), clock.instant(), catalog.defaults().approvalExpiry());
            return new State(d, policy, quorum, count, rows, ticks, true);
        }
        List<Quorum.Filled> filled = rows.stream().filter(r -> r.role() != null)
                .map(r -> new Quorum.Filled(r.user(), r.role(), r.at())).toList();
        return new State(d, policy, quorum, new Quorum.Count(filled, Map.of(), Optional.empty(), List.of()), rows,
                ticks, false);
    }

    /**
     * True when a deployment may start at this instant as far as sign-off goes: nobody rejected it, and the
     * approvals in force, counted now (expiry, digest, requester), fill its quorum and its checklist is done.
     */
    boolean cleared(Deployment d) {
        if (!required(d)) {
            return true;
        }
        if (store.rejection(d.id()).isPresent()) {
            return false;
        }
        Policy policy = policy(d);
        Quorum quorum = new Quorum(policy.approvals());
        List<ApprovalStore.Row> rows = store.inForce(d.id());
        Quorum.Count count = quorum.count(rows.stream().map(ApprovalStore.Row::approval).toList(), d.requestedBy(),
                d.imageDigest(), clock.instant(), catalog.defaults().approvalExpiry());
        return new State(d, policy, quorum, count, rows, store.ticks(d.id()), true).complete();
    }

    /**
     * True when the policy wants a maintenance window and none covers the deployment when it is to start:
     * now, or at its {@code at:} time when that is later (a deploy scheduled into an upcoming window waits for it).
     */
    boolean windowMissing(Deployment d) {
        return policy(d).maintenanceWindow() && !windows.active(d.environment(), d.service(), startsAt(d));
    }

    private Instant startsAt(Deployment d) {
        Instant now = clock.instant();
        return d.notBefore() != null && d.notBefore().isAfter(now) ? d.notBefore() : now;
    }

    private String when(Deployment d) {
        Instant at = startsAt(d);
        return at.isAfter(clock.instant()) ? " at its time (" + time(at) + ")" : " now";
    }

    /** How to get a window: the next one for the service (deploy with at: inside it), or how to open one. */
    private String howToGetOne(Deployment d) {
        return windows.next(d.environment(), d.service(), clock.instant())
                .map(n -> "the next, " + n.id() + ", runs " + time(n.start()) + " – " + time(n.end())
                        + ": request it with at: inside that window, or once it has started")
                .orElse("/maintenance start <duration> <reason> opens one");
    }

    String windowLine(Deployment d) {
        return "Needs an active maintenance window: none is active for " + d.service() + " in " + d.environment()
                + when(d) + ", and preflight refuses the start without one (" + howToGetOne(d) + ").";
    }

    String windowWarning(Deployment d) {
        return "no maintenance window is active for " + d.service() + " in " + d.environment() + when(d)
                + ", so preflight will refuse the start (" + howToGetOne(d) + ").";
    }

    String time(Instant at) {
        return times.format(at);
    }

    List<String> cardLines(Deployment d) {
        if (!required(d)) {
            return List.of();
        }
        State s = of(d);
        List<String> lines = new ArrayList<>();
        if (s.quorum().needsAnyone()) {
            lines.add("Sign-off: " + Quorum.describe(s.quorum().required()) + " (the requester, " + d.requestedBy()
                    + ", never counts)");
        }
        for (Quorum.Filled f : s.count().filled()) {
            lines.add("✅ " + f.user() + " as " + f.role() + " · " + time(f.at()));
        }
        if (s.live()) {
            for (Quorum.Approval a : s.count().spare()) {
                lines.add("☑️ " + a.user() + " approved too · fills no open slot (" + String.join(", ",
                        s.quorum().slotsFor(a.roles()).stream().sorted().toList()) + " taken)");
            }
            if (!s.count().missing().isEmpty()) {
                lines.add("Needs: " + Quorum.describe(s.count().missing()) + " — react ✅ or press Approve"
                        + " (/approve " + d.id() + "); ❌ or Reject rejects");
            }
            s.count().earliestExpiry().ifPresent(at -> lines.add("Approvals expire "
                    + DurationText.format(catalog.defaults().approvalExpiry()) + " after they are given; the first at "
                    + time(at)));
        }
        if (!s.policy().checklist().isEmpty()) {
            lines.add("Checklist: " + checklist(s));
        }
        if (!d.status().terminal() && d.status() != DeploymentStatus.RUNNING && windowMissing(d)) {
            lines.add(windowLine(d));
        }
        return lines;
    }

    private static String checklist(State s) {
        Map<String, ApprovalStore.Tick> byItem = s.ticks().stream()
                .collect(Collectors.toMap(ApprovalStore.Tick::item, t -> t, (a, b) -> a));
        List<String> parts = new ArrayList<>();
        for (String item : s.policy().checklist()) {
            ApprovalStore.Tick t = byItem.get(item);
            parts.add(t == null ? "☐ " + item + (SelfCheckedItems.isSelfChecked(item) ? " (Vitals checks it)" : "")
                    : "☑ " + item + " (" + t.user() + ")");
        }
        return String.join(" · ", parts);
    }

    List<Button> cardButtons(Deployment d) {
        if (!required(d) || d.status() != DeploymentStatus.PENDING_APPROVAL) {
            return List.of();
        }
        State s = of(d);
        List<Button> buttons = new ArrayList<>();
        buttons.add(new Button(APPROVE_BUTTON + d.id(), "Approve"));
        buttons.add(new Button(REJECT_BUTTON + d.id(), "Reject"));
        for (String item : s.unticked()) {
            if (!SelfCheckedItems.isSelfChecked(item)) {
                buttons.add(new Button(CHECKLIST_BUTTON + d.id() + ":" + item, "Tick " + item));
            }
        }
        return buttons;
    }
}
