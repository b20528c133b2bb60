package dev.vitals.deploy;

/** The labels on every container Vitals creates (a public contract: scripts rely on them). */
public final class Labels {
    public static final String MANAGED = "vitals.managed";
    public static final String SERVICE = "vitals.service";
    public static final String ENVIRONMENT = "vitals.environment";
    public static final String VERSION = "vitals.version";
    public static final String DEPLOYMENT = "vitals.deployment";
    /** Role of a container that is not a service replica: {@code hook}, {@code probe}. */
    public static final String ROLE = "vitals.role";

    private Labels() {
    }
}
