package dev.vitals.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThreadWriterTest {
    private final MovableClock clock = new MovableClock();
    private final RecordingChat chat = new RecordingChat();
    private final ThreadWriter writer = new ThreadWriter(chat, clock, Duration.ofSeconds(2), false);
    private final ThreadRef thread = new ThreadRef("7", "deploys");

    @AfterEach
    void close() {
        writer.close();
    }

    @Test
    void aBusyPipelinePostsAtMostOneMessagePerIntervalAndLosesNoLine() {
        // given 50 lines told within the same two seconds
        for (int i = 0; i < 50; i++) {
            writer.append(thread, "line " + i);
        }
        writer.flushDue();
        writer.flushDue();
        // then one message carries them all
        assertThat(chat.posts).hasSize(1);
        assertThat(chat.posts.getFirst()).contains("line 0").contains("line 49");

        // when more lines come before the interval is over, they wait
        writer.append(thread, "late");
        clock.advance(Duration.ofMillis(1900));
        writer.flushDue();
        assertThat(chat.posts).hasSize(1);

        // and go out once it is
        clock.advance(Duration.ofMillis(100));
        writer.flushDue();
        assertThat(chat.posts).hasSize(2);
        assertThat(chat.posts.get(1)).isEqualTo("late");
    }

    @Test
    void cardEditsAreCoalescedToTheLatestContent() {
        MessageRef card = new MessageRef("3", "deploys", null);
        writer.editCard(card, Message.text("RUNNING step 1"));
        writer.flushDue();
        writer.editCard(card, Message.text("RUNNING step 2"));
        writer.editCard(card, Message.text("RUNNING step 3"));
        writer.flushDue();
        assertThat(chat.edits).containsExactly("RUNNING step 1");
        clock.advance(Duration.ofSeconds(2));
        writer.flushDue();
        assertThat(chat.edits).containsExactly("RUNNING step 1", "RUNNING step 3");
    }

    @Test
    void aCardThatChangesManyTimesWithinAnIntervalIsDrawnOnceFromItsLatestState() {
        MessageRef card = new MessageRef("5", "deploys", null);
        writer.posted(card, Message.text("APPROVED"));
        java.util.concurrent.atomic.AtomicInteger draws = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> state = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.Supplier<Message> draw = () -> {
            draws.incrementAndGet();
            return Message.text(state.get());
        };
        // given a first edit sent, and five changes within the next interval
        state.set("RUNNING step 1");
        writer.editCard(card, draw);
        writer.flushDue();
        for (int step = 2; step <= 6; step++) {
            state.set("RUNNING step " + step);
            writer.editCard(card, draw);
            writer.flushDue();
        }
        assertThat(chat.edits).containsExactly("RUNNING step 1");
        // when the interval is over
        clock.advance(Duration.ofSeconds(2));
        writer.flushDue();
        // then the card was drawn twice in all, the second time showing the latest state
        assertThat(chat.edits).containsExactly("RUNNING step 1", "RUNNING step 6");
        assertThat(draws).hasValue(2);
    }

    @Test
    void anEditThatChangesNothingIsNotSentAndDoesNotHoldBackTheNextOne() {
        MessageRef card = new MessageRef("4", "deploys", null);
        writer.posted(card, Message.text("PENDING_APPROVAL 0/1"));
        writer.editCard(card, Message.text("PENDING_APPROVAL 0/1"));
        writer.flushDue();
        assertThat(chat.edits).isEmpty();

        writer.editCard(card, Message.text("PENDING_APPROVAL 1/1"));
        writer.flushDue();
        assertThat(chat.edits).containsExactly("PENDING_APPROVAL 1/1");
    }

    @Test
    void linesAndEditsChatRefusesAreSentInOrderOnceItAnswersAgain() {
        MessageRef card = new MessageRef("3", "deploys", null);
        // given a chat that does not answer (its database is down)
        chat.refusing = true;
        writer.append(thread, "step 1 done");
        writer.editCard(card, Message.text("RUNNING step 1"));
        writer.flushDue();
        clock.advance(Duration.ofSeconds(2));
        writer.append(thread, "step 2 done");
        writer.flushDue();
        assertThat(chat.posts).isEmpty();
        assertThat(chat.edits).isEmpty();

        // when it answers again
        chat.refusing = false;
        clock.advance(Duration.ofSeconds(2));
        writer.flushDue();

        // then the lines arrive in the order they were told, and the card shows its latest content
        assertThat(chat.posts).containsExactly("step 1 done\nstep 2 done");
        assertThat(chat.edits).containsExactly("RUNNING step 1");
    }

    @Test
    void textLongerThanOneChatMessageIsSplitAcrossSeveral() {
        List<String> lines = Collections.nCopies(30, "x".repeat(100));
        List<String> messages = ThreadWriter.split(lines);
        assertThat(messages).hasSizeGreaterThan(1).allSatisfy(m -> assertThat(m.length()).isLessThanOrEqualTo(2000));
        assertThat(String.join("\n", messages).replace("\n", "")).hasSize(3000);
    }

    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-22T02:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static final class RecordingChat implements ChatPlatform {
        final List<String> posts = Collections.synchronizedList(new ArrayList<>());
        final List<String> edits = Collections.synchronizedList(new ArrayList<>());
        volatile boolean refusing;

        @Override
        public MessageRef post(String channel, Message message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void edit(MessageRef message, Message replacement) {
            if (refusing) {
                throw new IllegalStateException("chat does not answer");
            }
            edits.add(replacement.text());
        }

        @Override
        public ThreadRef openThread(MessageRef message, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MessageRef postInThread(ThreadRef thread, Message message) {
            if (refusing) {
                throw new IllegalStateException("chat does not answer");
            }
            posts.add(message.text());
            return new MessageRef(Integer.toString(posts.size()), thread.channel(), thread.id());
        }

        @Override
        public MessageRef postPrivately(Origin where, String user, Message message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void react(MessageRef message, String emoji) {
            throw new UnsupportedOperationException();
        }
    }
}
