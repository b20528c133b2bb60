package dev.vitals.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /dashboard}: read-only, server-rendered, behind the same access as the console. Every status
 * is written out in words; colour only repeats it.
 */
@Controller
class DashboardPage {
    static final int DEPLOYMENTS = 25;
    static final int TIMELINES = 10;
    static final int AUDIT_ENTRIES = 60;
    static final int WINDOWS = 30;
    static final int RESOLVED_INCIDENTS = 10;
    /** Width of a timeline in SVG user units; the drawing scales to the page. */
    static final double WIDTH = 1000;
    static final int ROW = 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final DeploymentBoard deployments;
    private final MaintenanceBoard maintenance;
    private final AuditBoard audit;
    private final IncidentBoard incidents;
    private final Clock clock;

    DashboardPage(DeploymentBoard deployments, MaintenanceBoard maintenance, AuditBoard audit, IncidentBoard incidents,
                  Clock clock) {
        this.deployments = deployments;
        this.maintenance = maintenance;
        this.audit = audit;
        this.incidents = incidents;
        this.clock = clock;
    }

    /** A bar of a step's timeline: {@code x} and {@code width} in SVG units, {@code y} its row. */
    record Bar(String name, String status, double x, double width, int y, int textY, String label) {
    }

    record Timeline(int height, String summary, List<Bar> bars) {
    }

    record DeploymentView(DeploymentBoard.DeploymentRow row, String statusWord, String statusClass, String created,
                          String took, Timeline timeline) {
    }

    /**
     * {@code deadline}: the acknowledgement deadline in words ("in 14 min 2 s", "passed 3 min ago", or who
     * acknowledged it and when); {@code overdue}: it passed unacknowledged.
     */
    record IncidentView(IncidentBoard.IncidentRow row, String statusWord, String statusClass, String where,
                        String opened, String deadline, boolean overdue) {
    }

    IncidentView incident(IncidentBoard.IncidentRow i, Instant now) {
        boolean overdue = i.ackDeadline() != null && !"RESOLVED".equals(i.status()) && !i.ackDeadline().isAfter(now);
        String deadline;
        if ("RESOLVED".equals(i.status())) {
            deadline = "resolved " + time(i.resolvedAt());
        } else if (i.acknowledgedAt() != null) {
            deadline = "acknowledged by " + i.acknowledgedBy() + " " + time(i.acknowledgedAt());
        } else if (i.ackDeadline() == null) {
            deadline = "—";
        } else if (overdue) {
            deadline = "PASSED " + duration(Duration.between(i.ackDeadline(), now)) + " ago (" + time(i.ackDeadline())
                    + ")" + (i.escalatedTo() == null ? "" : ", escalated to " + i.escalatedTo());
        } else {
            deadline = "in " + duration(Duration.between(now, i.ackDeadline())) + " (" + time(i.ackDeadline()) + ")";
        }
        return new IncidentView(i, words(i.status()), overdue ? "status-failed" : css(i.status()),
                (i.service() == null ? "whole environment" : i.service()) + " · " + i.environment(),
                time(i.openedAt()), deadline, overdue);
    }

    @GetMapping("/dashboard")
    String dashboard(Model model) {
        Instant now = clock.instant();
        List<DeploymentBoard.DeploymentRow> recent = deployments.recentDeployments(DEPLOYMENTS);
        List<DeploymentView> views = new ArrayList<>();
        for (int i = 0; i < recent.size(); i++) {
            DeploymentBoard.DeploymentRow d = recent.get(i);
            views.add(new DeploymentView(d, words(d.status()), css(d.status()), time(d.createdAt()),
                    d.finishedAt() == null ? "running for " + duration(Duration.between(d.createdAt(), now))
                            : duration(Duration.between(d.createdAt(), d.finishedAt())),
                    i < TIMELINES ? timeline(d.steps(), now) : null));
        }
        model.addAttribute("now", time(now));
        model.addAttribute("live", deployments.liveServices());
        model.addAttribute("deployments", views);
        model.addAttribute("locks", deployments.locks());
        model.addAttribute("windows", maintenance.windows(WINDOWS));
        model.addAttribute("incidents", incidents.incidents(RESOLVED_INCIDENTS).stream()
                .map(i -> incident(i, now)).toList());
        model.addAttribute("audit", audit.latest(AUDIT_ENTRIES));
        model.addAttribute("verification", audit.verify());
        model.addAttribute("page", this);
        return "dashboard";
    }

    /**
     * Where a reader signs in to the dashboard when Vitals runs beside Discord or with console tokens
     * (the form posts the token to Spring Security, see {@code dev.vitals.api.HttpAccess}).
     */
    @GetMapping("/dashboard/sign-in")
    String signIn(@RequestParam(name = "refused", required = false) String refused, Model model) {
        model.addAttribute("refused", refused != null);
        return "sign-in";
    }

    /** The steps on one time axis from the first start to the last end (or now), each bar as long as it took. */
    static Timeline timeline(List<DeploymentBoard.Step> steps, Instant now) {
        List<DeploymentBoard.Step> timed = steps.stream().filter(s -> s.startedAt() != null).toList();
        if (timed.isEmpty()) {
            return null;
        }
        Instant first = timed.stream().map(DeploymentBoard.Step::startedAt).min(Instant::compareTo).orElseThrow();
        Instant last = timed.stream().map(s -> s.finishedAt() == null ? now : s.finishedAt())
                .max(Instant::compareTo).orElseThrow();
        double total = Math.max(1, Duration.between(first, last).toMillis());
        double labelSpace = 0.45 * WIDTH;
        double scale = (WIDTH - labelSpace) / total;
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < timed.size(); i++) {
            DeploymentBoard.Step s = timed.get(i);
            Instant end = s.finishedAt() == null ? now : s.finishedAt();
            Duration took = Duration.between(s.startedAt(), end);
            double x = labelSpace + Duration.between(first, s.startedAt()).toMillis() * scale;
            double width = Math.max(2, took.toMillis() * scale);
            bars.add(new Bar(s.name(), s.status().toLowerCase(Locale.ROOT), round(x), round(width), i * ROW + 4,
                    i * ROW + 15, s.name() + " — " + s.status().toLowerCase(Locale.ROOT) + ", " + duration(took)));
        }
        return new Timeline(timed.size() * ROW + 4, "Steps on one time axis of " + duration(Duration.ofMillis((long) total))
                + ": " + String.join("; ", bars.stream().map(Bar::label).toList()), bars);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** PENDING_APPROVAL → "pending approval". */
    public String words(String status) {
        return status == null ? "" : status.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    public String css(String status) {
        return "status-" + (status == null ? "unknown" : status.toLowerCase(Locale.ROOT).replace(' ', '_'));
    }

    public String time(Instant at) {
        return at == null ? "—" : TIME.format(at);
    }

    public String ago(Instant at) {
        return at == null ? "—" : duration(Duration.between(at, clock.instant())) + " ago";
    }

    public String healthClass(String health) {
        return switch (health) {
            case "healthy" -> "status-healthy";
            case "starting", "nothing live" -> "status-starting";
            case "none" -> "status-none";
            default -> "status-unhealthy";
        };
    }

    public String list(List<String> values) {
        return values == null || values.isEmpty() ? "—" : String.join(", ", values);
    }

    public String shortHash(String hash) {
        return hash == null ? "—" : hash.length() > 16 ? hash.substring(0, 16) + "…" : hash;
    }

    static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        if (s < 86_400) {
            return s / 3600 + " h " + s % 3600 / 60 + " min";
        }
        return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
    }
}
