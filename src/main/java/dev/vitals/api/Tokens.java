package dev.vitals.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Secrets are kept only as SHA-256 digests and compared digest to digest in constant time: the
 * tokens are long random strings, so a fast hash is enough, and equal-length digests leave no
 * length or prefix to time.
 */
final class Tokens {
    private Tokens() {
    }

    static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Null when no secret is configured. */
    static byte[] digestOrNull(String secret) {
        return secret == null || secret.isBlank() ? null : digest(secret.strip());
    }

    static boolean matches(byte[] given, byte[] expected) {
        return expected != null && MessageDigest.isEqual(given, expected);
    }
}
