package dev.vitals.deploy;

import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Service;

/**
 * Moves a service's traffic from one container to another. Teams route differently (a network alias,
 * a reverse proxy, Traefik labels), so this is its own port; {@code alias} is the default.
 */
interface TrafficSwitch {

    /** After this returns, {@code to} receives the service's traffic and {@code from} (may be null) none. */
    void move(Environment env, Service service, String from, String to);

    /**
     * As {@link #move}, for a {@code to} known to receive none of the service's traffic: a container this run
     * created off the traffic path and has not moved traffic to. A switch may then skip looking at it first.
     */
    default void moveToNew(Environment env, Service service, String from, String to) {
        move(env, service, from, to);
    }
}
