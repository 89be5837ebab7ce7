package dev.midge.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class InflightWindowTest {
    private static OutboundFlight flight(int packetId) {
        Publish p = Publish.of("t", new byte[0], Qos.AT_LEAST_ONCE, false).forDelivery(Qos.AT_LEAST_ONCE, false, packetId);
        return new OutboundFlight(p, null);
    }

    private static List<Integer> ids(InflightWindow w) {
        List<Integer> out = new ArrayList<>();
        w.forEach(f -> out.add(f.publish.packetId()));
        return out;
    }

    /**
     * Random adds, removals and filtered removals against a LinkedHashMap (what the window
     * replaced): same flights by id, same send order. Ids come in sequence as the session hands
     * them out, or, to force long probe runs, as multiples of the table sizes.
     */
    @Property(tries = 300)
    void behavesLikeAnInsertionOrderedMap(@ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int window) {
        Random rnd = new Random(seed);
        InflightWindow w = new InflightWindow();
        Map<Integer, OutboundFlight> model = new LinkedHashMap<>();
        int next = 1 + rnd.nextInt(0xFFFF);
        boolean colliding = rnd.nextBoolean();
        for (int step = 0; step < 2_000; step++) {
            int op = rnd.nextInt(10);
            if (op < 5 && model.size() < window) {
                int id;
                do {
                    if (colliding) {
                        id = 1 + rnd.nextInt(2_000) * 64 % 0xFFFF;
                    } else {
                        id = next;
                        next = next == 0xFFFF ? 1 : next + 1;
                    }
                } while (model.containsKey(id));
                OutboundFlight f = flight(id);
                w.add(f);
                model.put(id, f);
            } else if (op < 9) {
                int id = model.isEmpty() || rnd.nextInt(4) == 0
                        ? 1 + rnd.nextInt(0xFFFF)
                        : new ArrayList<>(model.keySet()).get(rnd.nextInt(model.size()));
                assertThat(w.remove(id)).isSameAs(model.remove(id));
            } else {
                int mod = 2 + rnd.nextInt(3);
                w.removeIf(f -> f.publish.packetId() % mod == 0);
                model.keySet().removeIf(id -> id % mod == 0);
            }
            assertThat(w.size()).isEqualTo(model.size());
            assertThat(ids(w)).containsExactlyElementsOf(model.keySet());
            for (Map.Entry<Integer, OutboundFlight> e : model.entrySet()) {
                assertThat(w.get(e.getKey())).isSameAs(e.getValue());
            }
            int absent = 1 + rnd.nextInt(0xFFFF);
            assertThat(w.contains(absent)).isEqualTo(model.containsKey(absent));
        }
    }

    @Test
    void aFullWindowOf65535Ids() {
        InflightWindow w = new InflightWindow();
        for (int id = 1; id <= 0xFFFF; id++) {
            w.add(flight(id));
        }
        assertThat(w.size()).isEqualTo(0xFFFF);
        assertThat(w.get(0xFFFF).publish.packetId()).isEqualTo(0xFFFF);
        for (int id = 0xFFFF; id >= 1; id -= 2) {
            assertThat(w.remove(id)).isNotNull();
        }
        assertThat(w.size()).isEqualTo(0xFFFF / 2);
        List<Integer> left = ids(w);
        assertThat(left).first().isEqualTo(2);
        assertThat(left).last().isEqualTo(0xFFFE);
        assertThat(w.get(1)).isNull();
        assertThat(w.get(2)).isNotNull();
    }

    @Test
    void theSharedEmptyWindowFindsNothing() {
        assertThat(InflightWindow.NONE.get(1)).isNull();
        assertThat(InflightWindow.NONE.remove(1)).isNull();
        assertThat(InflightWindow.NONE.size()).isZero();
        assertThat(ids(InflightWindow.NONE)).isEmpty();
    }
}
