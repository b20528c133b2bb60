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
        String token = given.getCredentials() == null ? "" : given.getCredentials().toString().strip();
        boolean isApi = Tokens.matches(Tokens.digest(token), api);
        Optional<String> user = access.user(token);
        if (token.isEmpty() || !isApi && user.isEmpty()) {
            throw new BadCredentialsException("unknown token");
        }
        return UsernamePasswordAuthenticationToken.authenticated(isApi ? "api" : user.orElseThrow(), null,
                List.of(new SimpleGrantedAuthority(DASHBOARD)));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
