/**
 * Active and standby: several Vitals processes may share one PostgreSQL, and exactly one of them is
 * active. It holds a session-level advisory lock on a connection of its own (not from the pool) and
 * proves every {@code vitals.leadership.check-interval} (default 1 s) that it still does; the others
 * try to take the lock at the same interval. When the active process dies its session ends, PostgreSQL
 * releases the lock, and a standby takes over at its next try (about a second; within 10 s even when
 * the host vanished, by the session's TCP keepalives). A process whose session fails stops being
 * active at once, before it says so.
 *
 * <p>API: {@link dev.vitals.leadership.Leadership#isActive()} for whoever is about to act, and the
 * in-process events {@link dev.vitals.leadership.BecameActive} and {@link dev.vitals.leadership.LostLeadership}
 * (plain {@code @EventListener}s: they describe this process, so they are never stored or replayed).
 * Only the active process starts pipelines, runs the timers (scheduler, approval expiry, reconciliation
 * retries) and reconciles RUNNING deployments, which it does each time it becomes active; a pipeline of
 * a process that lost the lock stops before its next step and is reconciled by the new active one.
 *
 * <p>A standby serves the read-only API, health and read-only chat commands ({@code /status},
 * {@code /history}, {@code /health}, {@code /help}, {@code /maintenance list}, {@code /audit}). A
 * command that would change state is answered, on the standby, with a reply that names it the standby
 * and did nothing; the console refuses reactions and button clicks there with 409. We chose a plain
 * refusal over queueing such requests for the active process: a person sees at once where to go, and
 * nothing runs later behind their back. {@code /status} and {@code /actuator/health}
 * ({@code "vitals": {"role": "active"|"standby"}}) say which role a process holds.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Leadership")
package dev.vitals.leadership;
