package dev.vitals.api;

import dev.vitals.catalog.Catalog;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.stereotype.Component;

/**
 * Who may use the console, decided once at start. On loopback without Discord it is open to the
 * machine's own users (Host and Origin checked); on any other address, or beside Discord, it needs
 * per-user tokens or is off; an open console on the network is refused before the server listens.
 */
@Component
@EnableConfigurationProperties(ApiProperties.class)
class ConsoleAccess {
    static final int MIN_TOKEN_LENGTH = 16;
    static final String HOW_TO_GIVE_TOKENS = "VITALS_CONSOLE_TOKENS=\"alice:<token>,bob:<token>\" "
            + "(or a file of such lines named by VITALS_CONSOLE_TOKENS_FILE), tokens of at least "
            + MIN_TOKEN_LENGTH + " characters";

    enum Mode {
        /** Loopback, no credentials: anyone on this machine, acting as any catalog user. */
        OPEN_ON_LOOPBACK,
        /** Each request carries a console user's token and acts only as that user. */
        TOKENS,
        /** Beside Discord without credentials: nobody. */
        OFF
    }

    private final Mode mode;
    private final boolean loopback;
    /** User name to the digest of their token; the tokens themselves are not kept. */
    private final Map<String, byte[]> tokens;

    ConsoleAccess(Catalog catalog, ServerProperties server, ApiProperties properties) {
        InetAddress address = server.getAddress();
        String bindAddress = address == null ? "" : address.getHostAddress();
        this.loopback = address != null && address.isLoopbackAddress();
        this.tokens = parse(properties.consoleTokens(), properties.consoleTokensFile(), catalog);
        boolean discord = properties.discord().configured();
        if (!tokens.isEmpty()) {
            mode = Mode.TOKENS;
        } else if (discord) {
            mode = Mode.OFF;
        } else if (loopback) {
            mode = Mode.OPEN_ON_LOOPBACK;
        } else {
            throw new ConsoleAccessException("The console would be open to the network: Vitals listens on '"
                    + bindAddress + "' and no console user has a token, so anyone who reaches the port could act"
                    + " as any user.", "Listen on loopback only (unset VITALS_BIND_ADDRESS or set it to 127.0.0.1),"
                    + " or give console users tokens: " + HOW_TO_GIVE_TOKENS + ".");
        }
    }

    Mode mode() {
        return mode;
    }

    /** True when the server listens on loopback only, so every request comes from this machine. */
    boolean loopback() {
        return loopback;
    }

    String offReason() {
        return "The console is off because Discord is configured; to use it as well, give console users tokens: "
                + HOW_TO_GIVE_TOKENS + ".";
    }

    /** The console user whose token this is; every stored digest is compared, so timing says nothing. */
    Optional<String> user(String token) {
        byte[] given = Tokens.digest(token);
        String found = null;
        for (Map.Entry<String, byte[]> e : tokens.entrySet()) {
            if (Tokens.matches(given, e.getValue()) && found == null) {
                found = e.getKey();
            }
        }
        return Optional.ofNullable(found);
    }

    private static Map<String, byte[]> parse(String inline, String file, Catalog catalog) {
        List<String> entries = new ArrayList<>();
        String where = "VITALS_CONSOLE_TOKENS";
        if (!inline.isBlank()) {
            entries.addAll(List.of(inline.split("[,\\n]")));
        }
        if (!file.isBlank()) {
            where = inline.isBlank() ? "VITALS_CONSOLE_TOKENS_FILE " + file : where + " and " + file;
            try {
                entries.addAll(Files.readAllLines(Path.of(file.strip())));
            } catch (IOException e) {
                throw new ConsoleAccessException("Cannot read the console tokens file " + file + ": " + e,
                        "Point VITALS_CONSOLE_TOKENS_FILE at a readable file of lines like alice:<token>.");
            }
        }
        Map<String, byte[]> digests = new LinkedHashMap<>();
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            int colon = entry.indexOf(':');
            // Never echo an entry: it holds a token.
            String user = colon < 0 ? "" : entry.substring(0, colon).strip();
            String token = colon < 0 ? "" : entry.substring(colon + 1).strip();
            if (user.isEmpty()) {
                throw new ConsoleAccessException("An entry in " + where + " is not of the form user:token.",
                        "Write the console tokens as " + HOW_TO_GIVE_TOKENS + ".");
            }
            if (catalog.user(user).isEmpty()) {
                throw new ConsoleAccessException("A console token in " + where + " is for '" + user
                        + "', who is not a user in the catalog (" + String.join(", ", catalog.users().keySet()) + ").",
                        "Give tokens only to the catalog's users, or add '" + user + "' to the catalog's users.");
            }
            if (token.length() < MIN_TOKEN_LENGTH) {
                throw new ConsoleAccessException("The console token of '" + user + "' in " + where + " is shorter than "
                        + MIN_TOKEN_LENGTH + " characters.", "Use a long random token, e.g. from `openssl rand -hex 24`.");
            }
            byte[] digest = Tokens.digest(token);
            if (digests.values().stream().anyMatch(d -> Tokens.matches(digest, d)) || digests.containsKey(user)) {
                throw new ConsoleAccessException("Two console tokens in " + where + " are the same, or '" + user
                        + "' has two.", "Give each console user exactly one token of their own.");
            }
            digests.put(user, digest);
        }
        return Map.copyOf(digests);
    }
}
