package dev.vitals.api;

/** The console's settings would expose it, or are themselves wrong; Vitals does not start. */
final class ConsoleAccessException extends IllegalStateException {
    private final String fix;

    ConsoleAccessException(String problem, String fix) {
        super(problem);
        this.fix = fix;
    }

    String fix() {
        return fix;
    }
}
