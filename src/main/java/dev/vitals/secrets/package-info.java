/**
 * Secrets: the values that must never leave Vitals (tokens, passwords, values the catalog refers to),
 * their redaction from every outgoing text (chat, HTTP answers, logs, audit), and error ids that stand
 * in for exception details outside the log.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Secrets")
package dev.vitals.secrets;
