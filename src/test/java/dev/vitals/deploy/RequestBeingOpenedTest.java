package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;

import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import dev.vitals.catalog.Risk;
import dev.vitals.chat.Caller;
import dev.vitals.chat.ChatInbound;
import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Message;
import dev.vitals.chat.MessageRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

/**
 * A request between its record and the commit that stores its card and thread, held open here in the real
 * console's post of the card. A chat shows a card an instant before the post returns its message id to Vitals:
 * a ✅ in that instant must wait for the request to be stored, not find "no deployment card" and be lost; and a
 * ✅ whose lookup missed the card just before the request was stored must look again, not give up because by then
 * nothing is being opened any more. And
 * the scheduler, which starts signed-off deployments waiting for their lock, must leave the request to start
 * itself: started from its record, the pipeline would not know the thread and its first lines would be lost.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RequestBeingOpenedTest extends VitalsIntegrationTest {
    /** The deployment id a card names. */
    private static final Pattern CARD_ID = Pattern.compile("\\*\\*(D-\\d+)\\*\\*");

    @DynamicPropertySource
    static void ownHome(DynamicPropertyRegistry registry) {
        // A context of its own (the chat is watched), so an embedded PostgreSQL of its own too.
        registry.add("vitals.test.home",
                () -> Path.of("target", "test-" + TestCatalog.RUN, "request-being-opened").toAbsolutePath().toString());
    }

    @MockitoSpyBean
    ChatPlatform chat;
    @MockitoSpyBean
    DeploymentChat deploymentChat;
    @Autowired
    Deployments deployments;
    @Autowired
    DeploymentStore store;
    @Autowired
    ChatInbound inbound;

    @Test
    void theSchedulerLeavesARequestWhoseCardIsBeingPostedToItsRequestWhichStartsIt() throws Exception {
        // given a staging request (no sign-off: it starts at once) whose card takes a while to post
        String env = TestCatalog.stagingEnvironment();
        AtomicBoolean armed = new AtomicBoolean(true);
        AtomicReference<String> statusWhilePosting = new AtomicReference<>();
        doAnswer(call -> {
            if (armed.getAndSet(false)) {
                Matcher id = CARD_ID.matcher(((Message) call.getArgument(1)).text());
                assertThat(id.find()).isTrue();
                // when the scheduler (every second in the tests) ticks three times while the card is being posted
                try {
                    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                            .until(() -> store.find(id.group(1)).orElseThrow().status() == DeploymentStatus.APPROVED);
                    statusWhilePosting.set("APPROVED");
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    statusWhilePosting.set(store.find(id.group(1)).orElseThrow().status().name());
                }
            }
            return call.callRealMethod();
        }).when(chat).post(anyString(), any(Message.class));

        Deployment d = deployments.request(new Deployments.Request("backend", "v1.4", env, null, null, null, "alice"));

        // then it stayed APPROVED meanwhile (not started from its record), and its request started it, but by its request, which knows its thread
        assertThat(statusWhilePosting.get()).isEqualTo("APPROVED");
        await().atMost(Duration.ofMinutes(2)).until(() -> store.find(d.id()).orElseThrow().status().terminal());
        assertThat(store.find(d.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        String thread = store.find(d.id()).orElseThrow().threadId();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(console.thread(thread)).anyMatch(m -> m.text().contains("▶ preflight")));
    }

    @Test
    void aSignOffOnACardWhosePostHasNotReturnedCountsOnceTheRequestIsStored() throws Exception {
        // given a production request (one approver other than the requester) whose card is shown in the chat
        String env = TestCatalog.productionEnvironment();
        AtomicBoolean armed = new AtomicBoolean(true);
        AtomicReference<Thread> reacting = new AtomicReference<>();
        AtomicBoolean waitedForTheRequest = new AtomicBoolean();
        doAnswer(call -> {
            MessageRef card = (MessageRef) call.callRealMethod();
            if (armed.getAndSet(false)) {
                // when bob reacts ✅ on it before its post has returned
                Thread t = Thread.ofPlatform().name("bob-reacts").start(() -> inbound.reaction(
                        new Caller("bob", Set.of("deployer", "approver", "devops-lead", "maintainer")), card, "✅", true));
                reacting.set(t);
                await().atMost(Duration.ofSeconds(10)).until(() -> t.getState() == Thread.State.TIMED_WAITING || !t.isAlive());
                waitedForTheRequest.set(t.isAlive());
            }
            return card;
        }).when(chat).post(anyString(), any(Message.class));

        Deployment d = deployments.request(new Deployments.Request("backend", "v1.4", env, Risk.MEDIUM, null, null,
                "alice"));

        // then his reaction waited for the request rather than finding no card
        assertThat(reacting.get()).as("the card was posted").isNotNull();
        assertThat(waitedForTheRequest).as("the ✅ waits while the card's post has not returned").isTrue();
        // and it counts: the deployment no longer waits for sign-off
        signedOffByTheReaction(reacting.get(), d);
    }

    @Test
    void aSignOffWhoseLookupMissedTheCardJustBeforeTheRequestWasStoredLooksAgainAndCounts() throws Exception {
        // given a production request (one approver other than the requester) whose card is shown in the chat
        String env = TestCatalog.productionEnvironment();
        AtomicBoolean armed = new AtomicBoolean(true);
        AtomicReference<Thread> reacting = new AtomicReference<>();
        AtomicReference<String> requested = new AtomicReference<>();
        CountDownLatch missed = new CountDownLatch(1);
        doAnswer(call -> {
            MessageRef card = (MessageRef) call.callRealMethod();
            if (armed.getAndSet(false)) {
                Matcher id = CARD_ID.matcher(((Message) call.getArgument(1)).text());
                assertThat(id.find()).isTrue();
                requested.set(id.group(1));
                // when bob reacts ✅ and his lookup of the card finds nothing (its request is not stored yet)
                reacting.set(Thread.ofPlatform().name("bob-reacts").start(() -> inbound.reaction(
                        new Caller("bob", Set.of("deployer", "approver", "devops-lead", "maintainer")), card, "✅", true)));
                assertThat(missed.await(10, TimeUnit.SECONDS)).as("bob's lookup missed the card").isTrue();
            }
            return card;
        }).when(chat).post(anyString(), any(Message.class));
        // and the request is stored (and no longer being opened) before his lookup asks whether to wait for it
        doAnswer(call -> {
            if (Thread.currentThread().getName().equals("bob-reacts")) {
                missed.countDown();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                        .until(() -> !deploymentChat.isOpening(requested.get()));
            }
            return call.callRealMethod();
        }).when(deploymentChat).awaitStored(anyString());

        Deployment d = deployments.request(new Deployments.Request("backend", "v1.4", env, Risk.MEDIUM, null, null,
                "alice"));

        // then his ✅ still counts: the deployment no longer waits for sign-off
        assertThat(reacting.get()).as("the card was posted").isNotNull();
        signedOffByTheReaction(reacting.get(), d);
    }

    /**
     * The reaction has ended and its sign-off counted (the deployment no longer waits for one); the deployment it
     * started runs to its end, so nothing of it is left running after the test.
     */
    private void signedOffByTheReaction(Thread reacting, Deployment d) throws InterruptedException {
        reacting.join(Duration.ofSeconds(30));
        assertThat(reacting.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(store.find(d.id()).orElseThrow().status()).isNotEqualTo(DeploymentStatus.PENDING_APPROVAL));
        await().atMost(Duration.ofMinutes(2)).until(() -> store.find(d.id()).orElseThrow().status().terminal());
    }
}
