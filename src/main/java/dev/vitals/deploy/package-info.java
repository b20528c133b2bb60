/**
 * Deployments: requests, the pipeline of typed steps, strategies and traffic switches, rollback,
 * locks, and reconciliation with the engine after a restart. Owns the {@link
 * dev.vitals.deploy.ContainerRuntime} port that the Docker adapter implements.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Deploy")
package dev.vitals.deploy;
