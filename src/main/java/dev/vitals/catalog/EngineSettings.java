package dev.vitals.catalog;

import dev.vitals.catalog.Catalog.EngineEndpoint;
import dev.vitals.catalog.Catalog.EngineTls;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an environment's Docker engine. {@code engine} is an endpoint, or a mapping
 * {@code {host: tcp://10.0.0.5:2376, tls: {ca: ca.pem, cert: cert.pem, key: key.pem}}}. Whoever reaches a
 * plain-TCP engine can run anything as root on its host, so {@code tcp://} to anything but loopback needs
 * TLS, or an explicit {@code insecure: true}.
 */
final class EngineSettings {
    static final String DEFAULT_ENGINE = "unix:///var/run/docker.sock";
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.\\d{1,3}){3}");

    private EngineSettings() {
    }

    static EngineEndpoint read(YamlNode environment, Map<String, String> processEnv) {
        YamlNode engine = environment.get("engine");
        Optional<String> apiVersion = environment.get("api-version").optionalString();
        YamlNode hostNode = engine;
        String host;
        Optional<EngineTls> tls = Optional.empty();
        boolean insecure = false;
        String source = "";
        if (engine.value() instanceof Map) {
            engine.map(Set.of("host", "tls", "insecure"));
            hostNode = engine.get("host");
            host = hostNode.string();
            tls = tls(engine.get("tls"));
            insecure = engine.get("insecure").bool(false);
        } else if (engine.isMissing()) {
            host = processEnv.getOrDefault("DOCKER_HOST", DEFAULT_ENGINE);
            source = processEnv.containsKey("DOCKER_HOST") ? " (from DOCKER_HOST)" : "";
            tls = tlsFromDockerEnvironment(processEnv);
        } else {
            host = engine.string();
        }
        if (!host.matches("(unix|tcp|npipe)://\\S+")) {
            throw hostNode.error("expected a Docker endpoint such as unix:///var/run/docker.sock or"
                    + " tcp://10.0.0.5:2376, got '" + host + "'" + source);
        }
        if (!host.startsWith("tcp://")) {
            if (tls.isPresent() || insecure) {
                throw engine.error("tls and insecure apply only to tcp:// engines; '" + host + "' is a local socket");
            }
        } else if (tls.isPresent() && insecure) {
            throw engine.get("insecure").error("contradicts tls: with certificates the connection is not insecure;"
                    + " remove 'insecure: true'");
        } else if (tls.isEmpty() && !insecure && !isLoopback(host)) {
            throw hostNode.error("plain TCP to '" + host + "'" + source + " is unencrypted and unauthenticated: whoever"
                    + " reaches it can run anything as root there. Give the engine's TLS certificates,"
                    + " engine: {host: " + host + ", tls: {ca: ca.pem, cert: cert.pem, key: key.pem}},"
                    + " or, on a network you trust, engine: {host: " + host + ", insecure: true}");
        }
        return new EngineEndpoint(host, apiVersion, tls);
    }

    static boolean isLoopback(String endpoint) {
        String host;
        try {
            host = new URI(endpoint).getHost();
        } catch (URISyntaxException e) {
            return false;
        }
        return host != null && (host.equalsIgnoreCase("localhost") || LOOPBACK_V4.matcher(host).matches()
                || host.equals("[::1]") || host.equals("[0:0:0:0:0:0:0:1]"));
    }

    private static Optional<EngineTls> tls(YamlNode node) {
        if (node.isMissing()) {
            return Optional.empty();
        }
        node.map(Set.of("ca", "cert", "key"));
        return Optional.of(new EngineTls(pem(node.get("ca"), "the CA certificate that signed the engine's certificate"),
                pem(node.get("cert"), "Vitals' client certificate, signed by a CA the engine trusts"),
                pem(node.get("key"), "the private key of that client certificate")));
    }

    private static Path pem(YamlNode node, String what) {
        if (node.isMissing()) {
            throw node.error("is required: the path of " + what + " (a PEM file, as made for dockerd --tlsverify)");
        }
        Path path = node.file().toAbsolutePath().getParent().resolve(node.string()).normalize();
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw node.error("no readable file at " + path + "; expected " + what + " (a PEM file)");
        }
        return path;
    }

    /** Docker's own convention: DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH holding ca.pem, cert.pem, key.pem. */
    private static Optional<EngineTls> tlsFromDockerEnvironment(Map<String, String> env) {
        String verify = env.getOrDefault("DOCKER_TLS_VERIFY", "");
        String dir = env.get("DOCKER_CERT_PATH");
        if (verify.isEmpty() || verify.equals("0") || dir == null || dir.isBlank()) {
            return Optional.empty();
        }
        Path d = Path.of(dir);
        return Optional.of(new EngineTls(d.resolve("ca.pem"), d.resolve("cert.pem"), d.resolve("key.pem")));
    }
}
