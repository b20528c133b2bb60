package dev.vitals.chat;

import java.util.Set;

/** The person behind a command, reaction or click, with the bot roles their chat identity carries. */
public record Caller(String name, Set<String> roles) {
    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean has(String role) {
        return roles.contains(role);
    }
}
