package dev.midge.broker.store;

import io.netty.channel.EventLoop;

/**
 * Where the broker waits for its state to be safe before it acknowledges (DESIGN.md rule 5): a
 * PUBACK, PUBREC or CONNACK is sent only from {@link #afterDurable}'s callback, which runs on the
 * loop that asked. The durable store (RocksDB, group commit) implements this with one fsync per
 * batch; {@link InMemory} is the {@code persistence false} implementation.
 */
public interface Durability {
    /** Runs {@code then} on {@code loop} once every state change submitted so far is durable. */
    void afterDurable(EventLoop loop, Runnable then);

    /** Persistence off: state lives in memory only, so it is as durable as it gets right away. */
    final class InMemory implements Durability {
        @Override
        public void afterDurable(EventLoop loop, Runnable then) {
            if (loop.inEventLoop()) {
                then.run();
            } else {
                loop.execute(then);
            }
        }
    }
}
