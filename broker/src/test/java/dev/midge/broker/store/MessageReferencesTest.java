package dev.midge.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.broker.session.Message;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MessageReferencesTest {

    private static Message message(long id) {
        return Message.of(id, new Publish("t", "p".getBytes(StandardCharsets.UTF_8), Qos.AT_LEAST_ONCE, false, false,
                0, Properties.EMPTY), "pub");
    }

    @Test
    void onlyReference_claimedWithTheBodyInline_deletedWithoutABodyRecord() {
        MessageReferences refs = new MessageReferences();
        MessageReferences.Entry e = refs.enqueued(message(1));
        MessageReferences.Claim claim = refs.claim(e);
        assertThat(claim.entry()).isTrue();
        assertThat(claim.inlineBody()).isNotNull();
        assertThat(claim.body()).isNull();
        assertThat(refs.dequeued(e, 1)).isEqualTo(new MessageReferences.Removal(true, false));
    }

    @Test
    void twoReferences_bodyWrittenOnceAsItsOwnRecord_deletedWithTheLast() {
        MessageReferences refs = new MessageReferences();
        MessageReferences.Entry a = refs.enqueued(message(7));
        MessageReferences.Entry b = refs.enqueued(message(7));
        MessageReferences.Claim first = refs.claim(a);
        MessageReferences.Claim second = refs.claim(b);
        assertThat(first.body()).isNotNull();
        assertThat(second).isEqualTo(MessageReferences.Claim.ENTRY);
        assertThat(refs.dequeued(a, 7)).isEqualTo(new MessageReferences.Removal(true, false));
        assertThat(refs.dequeued(b, 7)).isEqualTo(new MessageReferences.Removal(true, true));
    }

    @Test
    void dequeuedBeforeTheClaim_skipped_andNothingToDelete() {
        MessageReferences refs = new MessageReferences();
        MessageReferences.Entry e = refs.enqueued(message(3));
        assertThat(refs.dequeued(e, 3).nothing()).isTrue();
        assertThat(refs.claim(e)).isEqualTo(MessageReferences.Claim.SKIP);
    }

    @Test
    void recovered_bodyCountsAsWritten_releasedWithTheLastReference() {
        MessageReferences refs = new MessageReferences();
        refs.recovered(5);
        refs.recovered(5);
        assertThat(refs.released(5)).isFalse();
        assertThat(refs.dequeued(null, 5)).isEqualTo(new MessageReferences.Removal(true, true));
    }

    /**
     * Many loops enqueueing one message to several sessions and acknowledging, while a writer
     * claims: every entry is either written (and then deleted) or cancelled (and then neither);
     * a body record is written at most once and deleted exactly when one was written.
     */
    @Test
    void concurrentEnqueueClaimDequeue_everyEntryWrittenOrCancelled_bodiesBalanced() throws Exception {
        MessageReferences refs = new MessageReferences();
        int messages = 20_000;
        int sessions = 3;
        ConcurrentLinkedQueue<MessageReferences.Entry> toWriter = new ConcurrentLinkedQueue<>();
        AtomicInteger entriesWritten = new AtomicInteger();
        AtomicInteger entriesDeleted = new AtomicInteger();
        AtomicInteger bodiesWritten = new AtomicInteger();
        AtomicInteger bodiesDeleted = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        CountDownLatch producersDone = new CountDownLatch(sessions);
        ExecutorService pool = Executors.newFixedThreadPool(sessions + 1);
        List<Future<?>> work = new ArrayList<>();
        work.add(pool.submit(() -> {
            while (producersDone.getCount() > 0 || !toWriter.isEmpty()) {
                MessageReferences.Entry e = toWriter.poll();
                if (e == null) {
                    Thread.onSpinWait();
                    continue;
                }
                MessageReferences.Claim c = refs.claim(e);
                if (!c.entry()) {
                    skipped.incrementAndGet();
                    continue;
                }
                entriesWritten.incrementAndGet();
                if (c.body() != null) {
                    bodiesWritten.incrementAndGet();
                }
            }
        }));
        for (int s = 0; s < sessions; s++) {
            String client = "c" + s;
            work.add(pool.submit(() -> {
                try {
                    for (int i = 1; i <= messages; i++) {
                        MessageReferences.Entry entry = refs.enqueued(message(i));
                        toWriter.add(entry);
                        if (i % 3 == 0) {
                            Thread.yield();
                        }
                        MessageReferences.Removal r = refs.dequeued(entry, i);
                        if (r.entry()) {
                            entriesDeleted.incrementAndGet();
                        }
                        if (r.body()) {
                            bodiesDeleted.incrementAndGet();
                        }
                    }
                } finally {
                    producersDone.countDown();
                }
            }));
        }
        for (var f : work) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(entriesWritten.get() + skipped.get()).isEqualTo(messages * sessions);
        assertThat(entriesDeleted.get()).isEqualTo(entriesWritten.get());
        assertThat(bodiesDeleted.get()).isEqualTo(bodiesWritten.get());
        assertThat(refs.tracked()).as("nothing left behind once every entry is dequeued").isZero();
    }
}
