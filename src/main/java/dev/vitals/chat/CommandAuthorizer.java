package dev.vitals.chat;

import java.util.Optional;

/** Who may run which command; implemented by the policy code, asked before any handler runs. */
public interface CommandAuthorizer {
    /** Empty when allowed; otherwise the refusal, naming the role that is needed. */
    Optional<String> refusal(Caller caller, Command.Kind kind);
}
