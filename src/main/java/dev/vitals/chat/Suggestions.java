package dev.vitals.chat;

import java.util.List;

/**
 * What a chat adapter offers while someone types a command's option (Discord's autocomplete), from the
 * feature that knows: the versions a service can be deployed at, the deployments a command can name.
 */
public interface Suggestions {

    /** Tags of the service's repository on the environment's engine, newest first, the live one marked. */
    List<Suggestion> versions(String service, String environment);

    /** Deployment ids, open ones (not yet finished) first, then the latest finished ones. */
    List<Suggestion> deployments();

    /** {@code value} is what the command receives; {@code label} what the person sees. */
    record Suggestion(String value, String label) {
    }
}
