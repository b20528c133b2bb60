/**
 * Who may do what, and sign-off: bot roles per command ({@code RolePolicy}); role-typed quorum
 * approvals bound to an image digest that expire ({@code Quorum}); sign-off by ✅/❌ reaction, card
 * button or {@code /approve} / {@code /reject}; checklists, partly ticked by Vitals itself. Answers
 * deploy's {@code SignOffGate} port (needs sign-off? cleared to start?) and keeps the sign-off section of
 * the card ({@code CardSection}); tells deploy its decisions only through deploy's sign-off events
 * ({@code SignOffCompleted}, {@code SignOffWithdrawn} (also when an approval lapsed), {@code
 * DeploymentRejected}, {@code SignOffProgressed}), never by calling it; publishes its own past-tense
 * records ({@code ApprovalGranted}, ...) for the audit log, and narrates its decisions in the thread
 * itself, after they committed. Decisions hold the deployment's row ({@code SELECT ... FOR UPDATE}), not
 * an in-process lock.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Approval")
package dev.vitals.approval;
