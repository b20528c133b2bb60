/**
 * Maintenance windows: when changes with downtime may run, and the notices that announce them.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Maintenance")
package dev.vitals.maintenance;
