package dev.vitals.deploy;

import java.util.List;

/**
 * Maintenance mode, as the maintenance feature asks for it: a service's traffic on its maintenance page
 * for a window, and back. Both moves go through the deploy engine's traffic switch, health-gated, and are
 * idempotent: the caller asks again (each timer tick) until the answer is {@code done}, so a restart, an
 * engine that did not answer or a deployment that held the service meanwhile only delays them. The page
 * containers carry their window in a label, so the engine alone says which pages are up.
 */
public interface MaintenancePages {

    /** The maintenance page containers in an environment, for every service and window. */
    List<Page> pages(String environment);

    /**
     * Puts the service's page up for the window: starts it, waits until it is healthy, moves the alias
     * to it; what served before keeps running off the traffic path. Not done while a deployment of the
     * service runs (the page goes up when it ends).
     */
    Result show(String environment, String service, String windowId);

    /**
     * Takes the window's page down: the alias goes back to what it displaced (started and health-gated
     * if need be), unless a deployment of the service is running, which takes the traffic from the page
     * to its new version itself. Done once the page container is gone (removed a tick after it left the
     * traffic path, so a client that had just resolved it still gets its answer).
     */
    Result lift(String environment, String service, String windowId);

    record Page(String environment, String service, String windowId, String containerId, boolean serving) {
    }

    /** {@code done}: nothing more to do for this; otherwise ask again later. {@code detail} says what happened. */
    record Result(boolean done, String detail) {
    }
}
