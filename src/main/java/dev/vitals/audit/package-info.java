/**
 * Audit: the append-only, hash-chained log of every command, decision, step and configuration load,
 * its verification, and its export for auditors. It only listens to the events other modules
 * publish; nothing calls it, so no feature can forget (or choose) to be audited.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Audit")
package dev.vitals.audit;
