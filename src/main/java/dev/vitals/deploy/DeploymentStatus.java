package dev.vitals.deploy;

/** Where a deployment stands; every transition is persisted and announced as an event. */
public enum DeploymentStatus {
    PENDING_APPROVAL, APPROVED, SCHEDULED, RUNNING, SUCCEEDED, FAILED, ROLLED_BACK, REJECTED, CANCELLED, EXPIRED;

    public boolean terminal() {
        return switch (this) {
            case SUCCEEDED, FAILED, ROLLED_BACK, REJECTED, CANCELLED, EXPIRED -> true;
            default -> false;
        };
    }
}
