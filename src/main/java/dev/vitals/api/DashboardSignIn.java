package dev.vitals.api;

import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The dashboard's sign-in form: the token pasted is {@code VITALS_API_TOKEN} or a console user's
 * token, compared digest to digest in constant time. It grants reading the dashboard only.
 */
final class DashboardSignIn implements AuthenticationProvider {
    static final String DASHBOARD = "DASHBOARD";

    private final byte[] api;
    private final ConsoleAccess access;

    DashboardSignIn(ApiProperties properties, ConsoleAccess access) {
        this.api = Tokens.digestOrNull(properties.apiToken());
        this.access = access;
    }

    @Override
    public Authentication authenticate(Authentication given) {
        String token = given.getCredentials() == null ? "" : given.getCredentials().toString();
        String reader = reader(token).orElseThrow(() -> new BadCredentialsException("unknown token"));
        return UsernamePasswordAuthenticationToken.authenticated(reader, null,
                List.of(new SimpleGrantedAuthority(DASHBOARD)));
    }

    /** "api" for the API token, the user's name for a console token; both digests are always compared. */
    Optional<String> reader(String token) {
        String given = token.strip();
        boolean isApi = Tokens.matches(Tokens.digest(given), api);
        Optional<String> user = access.user(given);
        if (given.isEmpty() || !isApi && user.isEmpty()) {
            return Optional.empty();
        }
        return isApi ? Optional.of("api") : user;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
