package dev.vitals.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/deployments[/{id}]}: deployments with their steps and sign-offs. */
@RestController
@RequestMapping("/api/deployments")
class DeploymentsController {
    private final Deployments deployments;
    private final List<SignOffGate> gates;

    DeploymentsController(Deployments deployments, List<SignOffGate> gates) {
        this.deployments = deployments;
        this.gates = gates;
    }

    record ApprovalView(String user, String role, Instant at) {
    }

    record StepView(String name, String status, Instant startedAt, Instant finishedAt, String detail) {
    }

    record DeploymentView(String id, String kind, String service, String environment, String version,
                          String imageDigest, String risk, String strategy, String status, String requestedBy,
                          String reason, String previousVersion, List<ApprovalView> approvals, List<StepView> steps,
                          String threadId, String detail, Instant createdAt, Instant finishedAt) {
    }

    record Problem(String error) {
    }

    @GetMapping
    ResponseEntity<?> list(@RequestParam(required = false) String service,
                           @RequestParam(required = false) String environment,
                           @RequestParam(required = false) String status,
                           @RequestParam(defaultValue = "100") int limit) {
        String normalized = status == null || status.isBlank() ? null : status.toUpperCase(Locale.ROOT);
        if (normalized != null && Arrays.stream(DeploymentStatus.values()).noneMatch(s -> s.name().equals(normalized))) {
            return ResponseEntity.badRequest().body(new Problem("unknown status '" + status + "'; one of "
                    + Arrays.toString(DeploymentStatus.values())));
        }
        List<DeploymentView> views = new ArrayList<>();
        for (Deployment d : deployments.search(blank(service), blank(environment), normalized,
                Math.max(1, Math.min(limit, 1000)))) {
            views.add(view(d));
        }
        return ResponseEntity.ok(views);
    }

    @GetMapping("/{id}")
    ResponseEntity<?> one(@PathVariable String id) {
        return deployments.find(id.toUpperCase(Locale.ROOT))
                .<ResponseEntity<?>>map(d -> ResponseEntity.ok(view(d)))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).body(new Problem("no deployment " + id)));
    }

    private DeploymentView view(Deployment d) {
        List<ApprovalView> approvals = gates.stream().flatMap(g -> g.signOffs(d).stream())
                .map(s -> new ApprovalView(s.user(), s.role(), s.at())).toList();
        List<StepView> steps = deployments.steps(d.id()).stream()
                .map(s -> new StepView(s.name(), s.status().name(), s.startedAt(), s.finishedAt(), s.detail()))
                .toList();
        return new DeploymentView(d.id(), d.kind().name().toLowerCase(Locale.ROOT), d.service(), d.environment(),
                d.version(), d.imageDigest(), d.risk().word(), d.strategy().word(), d.status().name(), d.requestedBy(),
                d.reason(), d.previousVersion(), approvals, steps, d.threadId(), d.detail(), d.createdAt(),
                d.finishedAt());
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

}
