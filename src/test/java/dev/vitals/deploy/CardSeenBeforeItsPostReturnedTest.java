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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

/**
 * A chat shows a card the moment it is posted, an instant before the post returns its message id to Vitals:
 * a ✅ in that instant must wait for the request to be stored, not find "no deployment card" and be lost. The
 * chat here is the real console, with that instant held open: people react before the post returns.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CardSeenBeforeItsPostReturnedTest extends VitalsIntegrationTest {

    @DynamicPropertySource
    static void ownHome(DynamicPropertyRegistry registry) {
        // A context of its own (the chat is watched), so an embedded PostgreSQL of its own too.
        registry.add("vitals.test.home",
                () -> Path.of("target", "test-" + TestCatalog.RUN, "card-seen").toAbsolutePath().toString());
    }

    @MockitoSpyBean
    ChatPlatform chat;
    @Autowired
    Deployments deployments;
    @Autowired
    DeploymentStore store;
    @Autowired
    ChatInbound inbound;

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
        reacting.get().join(Duration.ofSeconds(30));
        assertThat(reacting.get().isAlive()).isFalse();
        // and it counts: the deployment no longer waits for sign-off
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(store.find(d.id()).orElseThrow().status()).isNotEqualTo(DeploymentStatus.PENDING_APPROVAL));
        // (the deployment it started runs to its end, so nothing of it is left running after the test)
        await().atMost(Duration.ofMinutes(2)).until(() -> store.find(d.id()).orElseThrow().status().terminal());
    }
}
