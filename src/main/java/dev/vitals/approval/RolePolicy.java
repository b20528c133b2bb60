package dev.vitals.approval;

import dev.vitals.chat.Caller;
import dev.vitals.chat.Command;
import dev.vitals.chat.CommandAuthorizer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The roles each family of commands needs. {@code admin} may do everything; finer rules (the quorum
 * of a deployment, the requester never approving) are checked where the decision is made.
 */
@Component
class RolePolicy implements CommandAuthorizer {
    static final String ADMIN = "admin";
    static final String AUDITOR = "auditor";
    /** The roles that sign off; a checklist with no quorum to fill is ticked by someone holding one of them. */
    static final List<String> SIGNERS = List.of("approver", "devops-lead", "clinical-approver", "compliance");

    private static final Map<Command.Kind, List<String>> NEEDS = new EnumMap<>(Command.Kind.class);

    static {
        List<String> viewer = List.of("viewer");
        NEEDS.put(Command.Kind.HELP, viewer);
        NEEDS.put(Command.Kind.STATUS, viewer);
        NEEDS.put(Command.Kind.HEALTH, viewer);
        NEEDS.put(Command.Kind.HISTORY, viewer);
        NEEDS.put(Command.Kind.DEPLOY, List.of("deployer"));
        NEEDS.put(Command.Kind.ROLLBACK, List.of("deployer", "devops-lead", "incident-commander"));
        NEEDS.put(Command.Kind.CANCEL, List.of("deployer", "devops-lead"));
        NEEDS.put(Command.Kind.APPROVE, SIGNERS);
        NEEDS.put(Command.Kind.REJECT, SIGNERS);
        NEEDS.put(Command.Kind.LOCK, List.of("devops-lead"));
        NEEDS.put(Command.Kind.UNLOCK, List.of("devops-lead"));
        // Opening and ending windows announces downtime to the whole clinic: maintainers (and admins) only.
        NEEDS.put(Command.Kind.MAINTENANCE, List.of("maintainer"));
        // Everyone may see when the windows are (a deployer plans a high-risk change into one).
        NEEDS.put(Command.Kind.MAINTENANCE_LIST, viewer);
        NEEDS.put(Command.Kind.INCIDENT, List.of("viewer"));
        NEEDS.put(Command.Kind.AUDIT, List.of("auditor", "compliance", "devops-lead"));
        // The export is the whole trail: for auditors only, answered to them alone.
        NEEDS.put(Command.Kind.AUDIT_EXPORT, List.of(AUDITOR));
    }

    /**
     * The roles a person signs a deployment off with: the quorum's roles they hold. When the policy
     * names no quorum (a checklist only), any signer role will do. Empty: their sign-off cannot count.
     * Admin is deliberately no such role: a quorum names the people a change needs, not the powerful.
     */
    static Set<String> signOffRoles(Set<String> roles, Quorum quorum) {
        if (quorum.needsAnyone()) {
            return quorum.slotsFor(roles);
        }
        return Set.copyOf(roles.stream().filter(SIGNERS::contains).toList());
    }

    @Override
    public Optional<String> refusal(Caller caller, Command.Kind kind) {
        List<String> needed = NEEDS.getOrDefault(kind, List.of(ADMIN));
        if (caller.has(ADMIN) || needed.stream().anyMatch(caller::has)) {
            return Optional.empty();
        }
        String command = "/" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        String roles = needed.size() == 1 ? "the role " + needed.getFirst()
                : "one of the roles " + String.join(", ", needed);
        return Optional.of(caller.name() + " may not use " + command + ": it needs " + roles + " (or admin). "
                + caller.name() + " has: " + String.join(", ", caller.roles().stream().sorted().toList()) + ".");
    }
}
