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
}
