/**
 * Who may reach Vitals over HTTP, decided in one place with Spring Security: the API and actuator
 * behind a bearer token (open to loopback only without one), the console on loopback with Host and
 * Origin checked or behind per-user tokens, and a strict firewall in front of every route.
 */
@org.springframework.modulith.ApplicationModule(displayName = "HTTP access")
package dev.vitals.api;
