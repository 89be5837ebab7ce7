package dev.midge.codec.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicTest {
    private static List<String> levels(Topic t) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.levelCount(); i++) {
            out.add(t.level(i));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "a;[a]",
            "a/b/c;[a, b, c]",
            "a//b;[a, , b]",
            "/a;[, a]",
            "a/;[a, ]",
            "/;[, ]",
            "$SYS/broker;[$SYS, broker]",
    })
    void levels_keepEmptyOnes(String name, String expected) {
        assertThat(levels(Topic.of(name)).toString()).isEqualTo(expected);
    }

    @Test
    void of_repeatedName_isSplitOnce() {
        assertThat(Topic.of("sensors/1/temperature")).isSameAs(Topic.of("sensors/1/temperature"));
        assertThat(Topic.of(new String("sensors/1/temperature"))).isSameAs(Topic.of("sensors/1/temperature"));
    }

    @Test
    void of_namesSharingACacheSlot_eachGetTheirOwnTopic() {
        // "Aa" and "BB" have the same String hash, so they compete for one slot
        for (int i = 0; i < 3; i++) {
            assertThat(Topic.of("Aa").name()).isEqualTo("Aa");
            assertThat(levels(Topic.of("BB/x"))).containsExactly("BB", "x");
            assertThat(Topic.of("BB").name()).isEqualTo("BB");
        }
    }

    @Test
    void of_longName_isCorrectButNotKept() {
        String name = "a/".repeat(200) + "z";
        Topic first = Topic.of(name);
        Topic second = Topic.of(name);
        assertThat(second).isEqualTo(first).isNotSameAs(first);
        assertThat(second.levelCount()).isEqualTo(201);
        assertThat(second.level(200)).isEqualTo("z");
    }
}
