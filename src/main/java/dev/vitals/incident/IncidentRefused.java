package dev.vitals.incident;

/** A command about an incident that was not carried out; the message says why and what would be right. */
class IncidentRefused extends RuntimeException {
    IncidentRefused(String message) {
        super(message);
    }
}
