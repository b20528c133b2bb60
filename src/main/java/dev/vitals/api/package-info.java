/**
 * Access to the HTTP API: a bearer token from {@code VITALS_API_TOKEN}; without one (console mode)
 * the API is open, and the server listens on loopback only.
 */
@org.springframework.modulith.ApplicationModule(displayName = "API access")
package dev.vitals.api;
