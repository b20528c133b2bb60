package dev.vitals.chat;

import java.util.SortedSet;

/** The names a command may use: the catalog's services, environments and users. */
public record Vocabulary(SortedSet<String> services, SortedSet<String> environments, SortedSet<String> users) {
}
