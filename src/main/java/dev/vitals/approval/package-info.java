/**
 * Who may do what: bot roles per command, role-typed quorum approvals, sign-off by reaction, button
 * or command, checklists.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Approval")
package dev.vitals.approval;
