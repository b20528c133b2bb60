package dev.vitals.api;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every HTTP surface behind Spring Security. Routes are matched on the path Spring routes by, after
 * the strict firewall has refused anything ambiguous (';', encoded '/', '.', '%' or '\', '//', '..').
 */
@Configuration(proxyBeanMethods = false)
class HttpAccess {
    static final String API = "API";
    static final String WEBHOOK = "WEBHOOK";
    static final String WEBHOOK_PATH = "/api/webhooks/alertmanager";
    static final String SIGN_IN = "/dashboard/sign-in";
    /**
     * The console's pages load scripts, styles and data from Vitals only: no inline script or style,
     * no other host, no plugin, and no framing by another site.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    private final Problems problems;

    HttpAccess(Problems problems) {
        this.problems = problems;
    }

    /**
     * The dashboard beside Discord or with console tokens: read-only, behind a sign-in form that takes
     * {@code VITALS_API_TOKEN} or a console token and keeps the reader in a session (cookie HttpOnly,
     * SameSite=Strict; the form is CSRF-protected). The console page and its API stay as the console
     * chain decides. On loopback without credentials the dashboard stays with the console (open to this
     * machine), and this chain matches nothing.
     */
    @Bean
    @Order(0)
    SecurityFilterChain dashboard(HttpSecurity http, ConsoleAccess access, ApiProperties properties) throws Exception {
        if (access.mode() == ConsoleAccess.Mode.OPEN_ON_LOOPBACK) {
            return http.securityMatcher(request -> false).build();
        }
        http.securityMatcher(SIGN_IN, "/dashboard", "/dashboard/**", "/console/assets/**");
        http.headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(r -> r.policy(
                        org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
        DashboardSignIn signIn = new DashboardSignIn(properties, access);
        // A script or a proxy may send the same tokens as a bearer header instead (no session then).
        http.addFilterAt(BearerToken.filter(token -> signIn.reader(token)
                .map(reader -> new BearerToken.Holder(reader, List.of(DashboardSignIn.DASHBOARD))), problems,
                "sign in at " + SIGN_IN + " or send Authorization: Bearer <VITALS_API_TOKEN or your console token>"),
                BasicAuthenticationFilter.class);
        http.httpBasic(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .authenticationManager(new ProviderManager(signIn))
                .formLogin(f -> f.loginPage(SIGN_IN).loginProcessingUrl(SIGN_IN).passwordParameter("token")
                        .defaultSuccessUrl("/dashboard", true).failureUrl(SIGN_IN + "?refused").permitAll())
                .logout(l -> l.logoutUrl("/dashboard/sign-out").logoutSuccessUrl(SIGN_IN))
                // The scripts and the stylesheet hold no data; the sign-in page needs the stylesheet.
                .authorizeHttpRequests(a -> a.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(SIGN_IN, "/console/assets/**").permitAll()
                        .anyRequest().hasAuthority(DashboardSignIn.DASHBOARD));
        return http.build();
    }

    /**
     * The console (its page at {@code /}, the dashboard and the JSON API): on loopback with Host and
     * Origin checked, or with per-user tokens, or off.
     */
    @Bean
    @Order(1)
    SecurityFilterChain console(HttpSecurity http, ConsoleAccess access) throws Exception {
        stateless(http.securityMatcher("/", "/dashboard", "/dashboard/**", "/console", "/console/**"));
        http.headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(r -> r.policy(
                        org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
        http.addFilterBefore(new ConsoleLocality(access, problems), BasicAuthenticationFilter.class);
        String hint = "send Authorization: Bearer <your console token>";
        if (access.mode() == ConsoleAccess.Mode.TOKENS) {
            http.addFilterAt(BearerToken.filter(token -> access.user(token)
                    .map(user -> new BearerToken.Holder(user, List.of("CONSOLE"))), problems, hint),
                    BasicAuthenticationFilter.class);
            // An event stream's later dispatches belong to the request that was let in.
            http.authorizeHttpRequests(a -> a.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                    .permitAll().anyRequest().authenticated());
        } else {
            http.authorizeHttpRequests(a -> a.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                    .permitAll().anyRequest().access(fromLoopback()));
        }
        return refusals(http, "The console needs your token: " + hint + ".").build();
    }

    /**
     * Everything else: the API and actuator. With {@code VITALS_API_TOKEN} every route needs it, except
     * health (status only) and the liveness and readiness probes; the Alertmanager webhook also takes
     * {@code VITALS_WEBHOOK_SECRET}. Without a token they are open to loopback callers only.
     */
    @Bean
    @Order(2)
    SecurityFilterChain api(HttpSecurity http, ApiProperties properties) throws Exception {
        byte[] api = Tokens.digestOrNull(properties.apiToken());
        byte[] webhook = Tokens.digestOrNull(properties.webhookSecret());
        String hint = api == null ? "without VITALS_API_TOKEN the API answers only on loopback"
                : "send Authorization: Bearer <VITALS_API_TOKEN>";
        stateless(http);
        http.addFilterAt(BearerToken.filter(token -> {
            byte[] given = Tokens.digest(token);
            boolean isApi = Tokens.matches(given, api);
            boolean isWebhook = Tokens.matches(given, webhook);
            if (isApi) {
                return Optional.of(new BearerToken.Holder("api", List.of(API)));
            }
            return isWebhook ? Optional.of(new BearerToken.Holder("alertmanager", List.of(WEBHOOK))) : Optional.empty();
        }, problems, hint), BasicAuthenticationFilter.class);
        if (api == null) {
            http.addFilterBefore(new LoopbackCaller(), AnonymousAuthenticationFilter.class);
        }
        http.authorizeHttpRequests(a -> a.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                .requestMatchers("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")
                .permitAll()
                .requestMatchers(WEBHOOK_PATH).hasAnyAuthority(API, WEBHOOK)
                .anyRequest().hasAuthority(API));
        return refusals(http, "Not authorized: " + hint + ".").build();
    }

    /** A URL the strict firewall refuses gets a short 400, not a stack trace or an error page. */
    @Bean
    WebSecurityCustomizer rejectedRequests() {
        RequestRejectedHandler handler = (request, response, e) -> problems.write(response, 400,
                "Request refused: the URL must be plain, normalised and without ';', '//', '..', or an encoded"
                        + " '/', '.', '%' or '\\'.");
        return web -> web.requestRejectedHandler(handler);
    }

    private static void stateless(HttpSecurity http) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    }

    private HttpSecurity refusals(HttpSecurity http, String unauthenticated) throws Exception {
        return http.exceptionHandling(e -> e
                .authenticationEntryPoint((request, response, ex) -> problems.write(response, 401, unauthenticated))
                .accessDeniedHandler((request, response, ex) -> problems.write(response, 403,
                        "Forbidden: these credentials do not reach this route.")));
    }

    private static AuthorizationManager<RequestAuthorizationContext> fromLoopback() {
        return (authentication, context) -> new AuthorizationDecision(isLoopback(context.getRequest()));
    }

    static boolean isLoopback(HttpServletRequest request) {
        try {
            return InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Without an API token a caller on this machine is trusted as the API's user (and sees health details). */
    static final class LoopbackCaller extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            var context = SecurityContextHolder.getContext();
            if (context.getAuthentication() == null && isLoopback(request)) {
                context.setAuthentication(new PreAuthenticatedAuthenticationToken("loopback", null,
                        List.of(new SimpleGrantedAuthority(API))));
            }
            chain.doFilter(request, response);
        }
    }
}
