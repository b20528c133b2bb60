package dev.vitals.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;

/**
 * {@code Authorization: Bearer <token>} checked by Spring Security's {@link AuthenticationFilter}:
 * the header becomes an unauthenticated token, and a lookup turns it into a named caller with
 * authorities, or a 401.
 */
final class BearerToken {
    private static final String PREFIX = "bearer ";

    private BearerToken() {
    }

    /** A caller the token names: a name and the authorities it carries. */
    record Holder(String name, List<String> authorities) {
    }

    static AuthenticationFilter filter(Function<String, Optional<Holder>> lookup, Problems problems, String hint) {
        AuthenticationManager manager = given -> {
            String token = (String) given.getCredentials();
            Holder holder = lookup.apply(token).orElseThrow(() -> new BadCredentialsException("unknown token"));
            return new PreAuthenticatedAuthenticationToken(holder.name(), null,
                    holder.authorities().stream().map(SimpleGrantedAuthority::new).toList());
        };
        AuthenticationFilter filter = new AuthenticationFilter(manager, BearerToken::fromHeader);
        // The default handler redirects to a saved request; an API caller just continues.
        filter.setSuccessHandler((request, response, authentication) -> { });
        filter.setFailureHandler((request, response, e) -> problems.write(response, 401,
                "the bearer token is not valid; " + hint));
        return filter;
    }

    private static Authentication fromHeader(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() <= PREFIX.length()
                || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        return new PreAuthenticatedAuthenticationToken("bearer", header.substring(PREFIX.length()).strip());
    }
}
