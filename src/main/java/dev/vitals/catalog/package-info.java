/**
 * The catalog: environments, services, people and roles, policies and defaults, read from
 * {@code vitals.yml} and validated at start.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Catalog")
package dev.vitals.catalog;
