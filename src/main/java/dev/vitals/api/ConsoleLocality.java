package dev.vitals.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The console answers only requests meant for it: on loopback, a Host (and Origin, when sent) of
 * {@code localhost}, {@code 127.0.0.1} or {@code [::1]} with Vitals' own port, so a web page cannot
 * reach it through DNS rebinding; elsewhere an Origin, when sent, must be the console's own. Changes
 * must be JSON, which a cross-site form cannot send without the browser asking first.
 */
final class ConsoleLocality extends OncePerRequestFilter {
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final ConsoleAccess access;
    private final Problems problems;

    ConsoleLocality(ConsoleAccess access, Problems problems) {
        this.access = access;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (access.mode() == ConsoleAccess.Mode.OFF) {
            problems.write(response, 403, access.offReason());
            return;
        }
        String host = lower(request.getHeader(HttpHeaders.HOST));
        String origin = lower(request.getHeader(HttpHeaders.ORIGIN));
        if (access.loopback()) {
            String port = Integer.toString(request.getLocalPort());
            if (!isLocal(host, port)) {
                problems.write(response, 403, "The console answers only requests for http://127.0.0.1:" + port
                        + " (or localhost, [::1] with that port); this request's Host header names another host.");
                return;
            }
            if (origin != null && !(origin.startsWith("http://") && isLocal(origin.substring(7), port))) {
                problems.write(response, 403, "The console accepts requests only from its own page; this request"
                        + " comes from another origin.");
                return;
            }
        } else if (origin != null && host != null && !origin.equals(request.getScheme() + "://" + host)) {
            problems.write(response, 403, "The console accepts requests only from its own page; this request"
                    + " comes from another origin.");
            return;
        }
        if (!SAFE_METHODS.contains(request.getMethod()) && !isJson(request.getContentType())) {
            problems.write(response, 415, "Send the console a JSON body with Content-Type: application/json.");
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isLocal(String hostAndPort, String port) {
        if (hostAndPort == null) {
            return false;
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon > 0 && LOCAL_HOSTS.contains(hostAndPort.substring(0, colon))
                && hostAndPort.substring(colon + 1).equals(port);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            return MediaType.APPLICATION_JSON.includes(MediaType.parseMediaType(contentType));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static String lower(String header) {
        return header == null ? null : header.strip().toLowerCase(Locale.ROOT);
    }
}
