package dev.vitals.deploy;

/** A request that cannot go ahead; the message tells the person what would be right. */
public class DeploymentRefused extends RuntimeException {
    public DeploymentRefused(String message) {
        super(message);
    }
}
