package dev.vitals.chat;

/** What the parser made of a line: a typed command, or a refusal that says what would be right. */
public sealed interface ParseResult {
    record Parsed(Command command) implements ParseResult {
    }

    record Refused(String message) implements ParseResult {
    }
}
