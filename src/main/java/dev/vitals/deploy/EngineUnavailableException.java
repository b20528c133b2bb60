package dev.vitals.deploy;

/** The Docker engine did not answer, or answered with an error that is not about one container. */
public class EngineUnavailableException extends RuntimeException {
    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
