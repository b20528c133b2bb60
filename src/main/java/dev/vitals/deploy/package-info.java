/**
 * Deployments: requests, the pipeline of typed steps, strategies and traffic switches, rollback,
 * locks, and reconciliation with the engine after a restart. Owns the {@link
 * dev.vitals.deploy.ContainerRuntime} port that the Docker adapter implements.
 *
 * <p>State changes: {@code DeploymentLifecycle} is the only writer of a deployment's status; each
 * transition is one transaction with the deploy lock it takes (one conditional insert, on the move to
 * RUNNING) or releases (its own row only, on a terminal status) and the {@link
 * dev.vitals.deploy.DeploymentStatusChanged} it publishes, which Spring Modulith's JDBC event publication
 * registry stores in that transaction. The scheduler claims due deployments with {@code FOR UPDATE SKIP
 * LOCKED}. A signed-off deployment that finds its lock held waits visibly (thread and card say for whom)
 * and expires if it waits too long; a direct request that loses the lock race is cancelled and told.
 *
 * <p>Sign-off: deploy owns the seam. It asks the {@link dev.vitals.deploy.SignOffGate} port only whether a
 * deployment needs sign-off and whether it is cleared to start (asked again in the transaction that starts
 * it), and hears the answers as events it also owns ({@link dev.vitals.deploy.SignOffCompleted}, {@link
 * dev.vitals.deploy.SignOffWithdrawn}, {@link dev.vitals.deploy.DeploymentRejected}, {@link
 * dev.vitals.deploy.SignOffProgressed}), so the sign-off feature never calls deploy back.
 *
 * <p>Chat: the card is composed in one place ({@code DeploymentChat}) from the deployment's record and the
 * {@link dev.vitals.deploy.CardSection}s other features keep; status lines and card edits follow committed
 * events. Each feature narrates its own decisions in the thread through the chat port.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Deploy")
package dev.vitals.deploy;
