package dev.vitals.chat.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The per-channel pace of messages and edits, with a short window standing in for Discord's 5 s. */
class ChannelPacerTest {
    private static final int LIMIT = 5;
    private static final Duration WINDOW = Duration.ofMillis(500);
    private final Clock clock = Clock.systemUTC();

    private record Sent(String channel, int n, Instant started, Instant answered) {
    }

    @Test
    void requestsToAChannelGoOneAtATimeInTheOrderAskedAndNoMoreThanTheLimitWithinAWindowOfTheirAnswers()
            throws Exception {
        List<Sent> sent = new CopyOnWriteArrayList<>();
        try (ChannelPacer pacer = new ChannelPacer(clock, LIMIT, WINDOW)) {
            // given 3 callers each sending 6 requests to the same channel, and one to another channel
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> callers = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                String channel = c < 3 ? "busy" : "other";
                int caller = c;
                callers.add(Thread.ofVirtual().start(() -> {
                    awaitLatch(go);
                    for (int i = 0; i < 6; i++) {
                        int n = caller * 100 + i;
                        pacer.send(channel, () -> {
                            Instant started = clock.instant();
                            sent.add(new Sent(channel, n, started, clock.instant()));
                            return n;
                        });
                    }
                }));
            }
            go.countDown();
            for (Thread t : callers) {
                t.join();
            }
        }

        List<Sent> busy = sent.stream().filter(s -> s.channel().equals("busy")).toList();
        assertThat(busy).hasSize(18);
        for (int i = 1; i < busy.size(); i++) {
            assertThat(busy.get(i).started()).as("request %d starts after request %d was answered", i, i - 1)
                    .isAfterOrEqualTo(busy.get(i - 1).answered());
        }
        for (int caller = 0; caller < 3; caller++) {
            int c = caller;
            assertThat(busy.stream().filter(s -> s.n() / 100 == c).map(Sent::n).toList())
                    .as("each caller's requests in the order it asked").isSorted();
        }
        for (int i = LIMIT; i < busy.size(); i++) {
            assertThat(busy.get(i).started()).as("request %d starts a window after request %d was answered", i, i - LIMIT)
                    .isAfterOrEqualTo(busy.get(i - LIMIT).answered().plus(WINDOW));
        }
        List<Sent> other = sent.stream().filter(s -> s.channel().equals("other")).toList();
        assertThat(other).hasSize(6);
        assertThat(other.get(LIMIT - 1).started()).as("another channel is not held up by a busy one")
                .isBefore(busy.get(LIMIT).started());
    }

    @Test
    void aFailedRequestTakesItsPlaceAndPassesItsFailureToItsCallerAlone() {
        try (ChannelPacer pacer = new ChannelPacer(clock, LIMIT, WINDOW)) {
            assertThatThrownBy(() -> pacer.send("c", () -> {
                throw new IllegalStateException("Discord said no");
            })).isInstanceOf(IllegalStateException.class).hasMessage("Discord said no");
            assertThat(pacer.send("c", () -> "next")).isEqualTo("next");
        }
    }

    @Test
    void aChannelIdleForAWindowIsForgottenAndPacedAfreshWhenUsedAgain() {
        try (ChannelPacer pacer = new ChannelPacer(clock, LIMIT, WINDOW)) {
            var seen = ConcurrentHashMap.<String>newKeySet();
            for (int t = 0; t < 10; t++) {
                String thread = "thread-" + t;
                pacer.send(thread, () -> seen.add(thread));
            }
            assertThat(pacer.channels()).isEqualTo(10);

            await().atMost(Duration.ofSeconds(10)).until(() -> pacer.channels() == 0);

            assertThat(pacer.send("thread-0", () -> "again")).isEqualTo("again");
            assertThat(seen).hasSize(10);
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
