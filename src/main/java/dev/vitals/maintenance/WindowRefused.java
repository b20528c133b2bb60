package dev.vitals.maintenance;

/** A maintenance command that changed nothing, with a message that says what would be accepted. */
class WindowRefused extends RuntimeException {
    WindowRefused(String message) {
        super(message, null, false, false);
    }
}
