package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import dev.vitals.catalog.Risk;
import dev.vitals.catalog.Strategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A state change is one transaction (status, lock, event), locks cannot be stolen or leaked, due
 * deployments are claimed once, and a cancel that cannot apply is answered. Real database, real app.
 */
class DeploymentTransactionsTest extends VitalsIntegrationTest {
    @Autowired
    DeploymentStore store;
    @Autowired
    DeploymentLifecycle lifecycle;
    @Autowired
    Deployments deployments;
    @Autowired
    PipelineRunner runner;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Clock clock;
    @Autowired
    DeploymentChat deploymentChat;
    @Autowired
    dev.vitals.chat.ChatInbound inbound;

    @Test
    void aSignOffGivenTheMomentTheCardAppearsCountsOnceTheRequestHasCommitted() throws Exception {
        // given a production request (one approver other than the requester) whose card is posted, and people
        // see it, while the transaction that stores it has not committed yet
        String env = TestCatalog.productionEnvironment();
        java.util.concurrent.atomic.AtomicReference<Thread> reacting = new java.util.concurrent.atomic.AtomicReference<>();
        Deployment requested = tx.execute(s -> {
            Deployment d = deployments.request(new Deployments.Request("backend", "v1.4", env, Risk.MEDIUM, null,
                    null, "alice"));
            assertThat(d.status()).isEqualTo(DeploymentStatus.PENDING_APPROVAL);
            dev.vitals.chat.MessageRef card = new dev.vitals.chat.MessageRef(d.cardMessage(), d.cardChannel(), null);

            // when bob reacts ✅ on the card right then
            Thread t = Thread.ofPlatform().name("bob-reacts").start(() -> inbound.reaction(
                    new dev.vitals.chat.Caller("bob", Set.of("deployer", "approver", "devops-lead", "maintainer")),
                    card, "✅", true));
            reacting.set(t);
            // then his reaction waits for the request to be committed, rather than finding no card and being lost
            await().atMost(Duration.ofSeconds(10)).until(() -> t.getState() == Thread.State.TIMED_WAITING || !t.isAlive());
            assertThat(t.isAlive()).as("the ✅ waits for the card's request to commit").isTrue();
            return d;
        });
        reacting.get().join(Duration.ofSeconds(30));
        assertThat(reacting.get().isAlive()).isFalse();

        // and once it has, the sign-off counts: the deployment no longer waits for one
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(store.find(requested.id()).orElseThrow().status()).isNotEqualTo(DeploymentStatus.PENDING_APPROVAL));
        // (the deployment it started runs to its end, so nothing of it is left running after the test)
        await().atMost(Duration.ofMinutes(2)).until(() -> store.find(requested.id()).orElseThrow().status().terminal());
    }

    @Test
    void ofTwoDeploymentsRacingForOneLockExactlyOneRunsAndTheLoserNeverDeletesTheWinnersLock() throws Exception {
        // given two signed-off deployments of one service in one environment
        String env = TestCatalog.stagingEnvironment();
        Deployment a = inserted(env, DeploymentStatus.APPROVED);
        Deployment b = inserted(env, DeploymentStatus.APPROVED);

        // when both start at the same instant
        CountDownLatch go = new CountDownLatch(1);
        List<DeploymentLifecycle.Start> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<DeploymentLifecycle.Start>> futures = new ArrayList<>();
            for (Deployment d : List.of(a, b)) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return lifecycle.start(d, "test");
                }));
            }
            go.countDown();
            for (Future<DeploymentLifecycle.Start> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
        }

        // then one runs and holds the lock, the other is refused naming the winner and stays as it was
        List<Deployment> running = results.stream().filter(r -> r instanceof DeploymentLifecycle.Start.Running)
                .map(r -> ((DeploymentLifecycle.Start.Running) r).deployment()).toList();
        assertThat(running).hasSize(1);
        String winner = running.getFirst().id();
        String loser = winner.equals(a.id()) ? b.id() : a.id();
        assertThat(results).filteredOn(r -> r instanceof DeploymentLifecycle.Start.LockHeld)
                .containsExactly(new DeploymentLifecycle.Start.LockHeld(winner));
        assertThat(store.lockHolder("backend", env)).contains(winner);
        assertThat(store.find(loser).orElseThrow().status()).isEqualTo(DeploymentStatus.APPROVED);

        // and when the loser ends (cancelled), the winner's lock stays where it is
        lifecycle.move(store.find(loser).orElseThrow(), DeploymentStatus.CANCELLED, "test", "lost the race");
        assertThat(store.lockHolder("backend", env)).contains(winner);

        // and the winner's terminal status releases its own lock in the same transaction
        lifecycle.finish(running.getFirst(), DeploymentStatus.FAILED, "test over");
        assertThat(store.lockHolder("backend", env)).isEmpty();
    }

    @Test
    void aLockLeftHeldByADeploymentDoesNotLetThatDeploymentStartAgain() {
        // given a lock row that an APPROVED deployment holds (as an older version could leave behind)
        String env = TestCatalog.stagingEnvironment();
        Deployment d = inserted(env, DeploymentStatus.APPROVED);
        assertThat(store.lock("backend", env, d.id(), clock.instant())).isTrue();

        // when it tries to start
        DeploymentLifecycle.Start result = lifecycle.start(d, "test");

        // then "already held by me" is not a start: it is refused and nothing moved
        assertThat(result).isEqualTo(new DeploymentLifecycle.Start.LockHeld(d.id()));
        assertThat(store.find(d.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.APPROVED);
        store.unlock(d.id());
    }

    @Test
    void aStatusChangeThatRollsBackLeavesNeitherLockNorEvent() {
        // given a signed-off deployment
        String env = TestCatalog.stagingEnvironment();
        Deployment d = inserted(env, DeploymentStatus.APPROVED);

        // when its start is written in a transaction that then rolls back
        tx.executeWithoutResult(t -> {
            assertThat(lifecycle.start(d, "test")).isInstanceOf(DeploymentLifecycle.Start.Running.class);
            t.setRollbackOnly();
        });

        // then the status, the lock and the event publication are all gone together
        assertThat(store.find(d.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.APPROVED);
        assertThat(store.lockHolder("backend", env)).isEmpty();
        assertThat(publicationsAbout(d.id())).isZero();

        // and when it commits, all three are there
        assertThat(lifecycle.start(d, "test")).isInstanceOf(DeploymentLifecycle.Start.Running.class);
        assertThat(store.find(d.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.RUNNING);
        assertThat(store.lockHolder("backend", env)).contains(d.id());
        assertThat(publicationsAbout(d.id())).isPositive();
        lifecycle.finish(d, DeploymentStatus.FAILED, "test over");
    }

    @Test
    void aDueDeploymentClaimedByOneSchedulerIsSkippedByAnother() throws Exception {
        // given a scheduled deployment whose time has come
        String env = TestCatalog.stagingEnvironment();
        Deployment d = inserted(env, DeploymentStatus.SCHEDULED);
        Instant now = clock.instant();

        // when one transaction claims it and holds it
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<Optional<Deployment>> first = pool.submit(() -> tx.execute(t -> {
                Optional<Deployment> mine = store.claimDue(DeploymentStatus.SCHEDULED, now, onlyOthersThan(d));
                claimed.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return mine;
            }));
            assertThat(claimed.await(30, TimeUnit.SECONDS)).isTrue();

            // then a second claim, meanwhile, does not get it (and does not wait for it)
            Optional<Deployment> second = tx.execute(t -> store.claimDue(DeploymentStatus.SCHEDULED, now,
                    onlyOthersThan(d)));
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).map(Deployment::id).contains(d.id());
            assertThat(second).isEmpty();
        }
        lifecycle.move(store.find(d.id()).orElseThrow(), DeploymentStatus.CANCELLED, "test", "test over");
    }

    @Test
    void aCancelDuringTheSwitchIsAnsweredWithWhyItCannotApply() throws Exception {
        // given a deployment running a traffic switch that takes a while
        String env = TestCatalog.stagingEnvironment();
        Deployment d = deployments.find(inserted(env, DeploymentStatus.APPROVED).id()).orElseThrow();
        Deployment withChat = deploymentChat.post(d);
        store.updateChat(withChat);
        deploymentChat.stored(withChat);
        Deployment running = ((DeploymentLifecycle.Start.Running) lifecycle.start(withChat, "alice")).deployment();
        CountDownLatch inSwitch = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        PipelineStep slowSwitch = new PipelineStep() {
            public String name() {
                return Steps.SWITCH;
            }

            public Duration timeout(Run run) {
                return Duration.ofMinutes(1);
            }

            public StepOutcome execute(Run run) throws InterruptedException {
                inSwitch.countDown();
                finish.await();
                return new StepOutcome.Succeeded("switched");
            }
        };
        Run run = new Run(running, catalog.environments().get(env), catalog.services().get("backend"), List.of(),
                line -> deployments.say(running, line));
        runner.launch(run, List.of(slowSwitch), 0);
        assertThat(inSwitch.await(30, TimeUnit.SECONDS)).isTrue();

        // when alice cancels during the switch
        // then she is told why it cannot apply, and so is the thread
        assertThatThrownBy(() -> deployments.cancel(running.id(), "alice"))
                .isInstanceOf(DeploymentRefused.class)
                .hasMessageContaining("'switch traffic', which cannot be stopped halfway")
                .hasMessageContaining("/rollback backend " + env);
        await().atMost(Duration.ofSeconds(30)).until(() -> thread(running).stream()
                .anyMatch(l -> l.startsWith("⏹ cancel by alice refused")));

        // and the deployment ends as the switch does
        finish.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> store.find(running.id()).orElseThrow().status()
                == DeploymentStatus.SUCCEEDED);
        assertThat(store.lockHolder("backend", env)).isEmpty();
    }

    private List<String> thread(Deployment d) {
        return console.thread(d.threadId()).stream().map(ConsoleClient.Msg::text)
                .flatMap(t -> t.lines()).toList();
    }

    private Set<String> onlyOthersThan(Deployment d) {
        // Claims in this shared database skip everything but the test's own deployment.
        return Set.copyOf(jdbc.sql("SELECT id FROM deployment WHERE id <> ?").param(d.id()).query(String.class)
                .list());
    }

    private int publicationsAbout(String id) {
        return jdbc.sql("SELECT count(*) FROM event_publication WHERE serialized_event LIKE ?")
                .param("%\"" + id + "\"%").query(Integer.class).single();
    }

    private Deployment inserted(String env, DeploymentStatus status) {
        Instant now = clock.instant();
        Deployment d = new Deployment(store.nextId(), Deployment.Kind.DEPLOY, "backend", env, "v1.4",
                "vitals-demo/backend:v1.4", "sha256:0123456789abcdef0123", Risk.LOW, Strategy.BLUE_GREEN, status,
                "alice", null, status == DeploymentStatus.SCHEDULED ? now.minusSeconds(1) : null, null, null, null,
                null, null, now, now, null, null);
        store.insert(d);
        return d;
    }
}
