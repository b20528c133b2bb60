/**
 * Who may do what, and sign-off: bot roles per command ({@code RolePolicy}); role-typed quorum
 * approvals bound to an image digest that expire ({@code Quorum}); sign-off by ✅/❌ reaction, card
 * button or {@code /approve} / {@code /reject}; checklists, partly ticked by Vitals itself. Implements
 * deploy's {@code SignOffGate} and publishes past-tense records ({@code ApprovalGranted}, ...) for the
 * audit log.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Approval")
package dev.vitals.approval;
