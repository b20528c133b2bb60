package dev.vitals.deploy;

/** The labels on every container Vitals creates (a public contract: scripts rely on them). */
public final class Labels {
    public static final String MANAGED = "vitals.managed";
    public static final String SERVICE = "vitals.service";
    public static final String ENVIRONMENT = "vitals.environment";
    public static final String VERSION = "vitals.version";
    public static final String DEPLOYMENT = "vitals.deployment";
    /** Role of a container that is not a service replica: {@code hook}, {@code probe}, {@code maintenance-page}. */
    public static final String ROLE = "vitals.role";
    /** The role of a service's maintenance page container. */
    public static final String MAINTENANCE_PAGE = "maintenance-page";
    /** On a maintenance page: the maintenance window it serves for. */
    public static final String WINDOW = "vitals.window";
    /** On a maintenance page: the containers (ids, comma-separated) that served when it went up. */
    public static final String DISPLACED = "vitals.displaced";

    private Labels() {
    }
}
