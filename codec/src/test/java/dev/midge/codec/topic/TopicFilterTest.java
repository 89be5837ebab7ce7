package dev.midge.codec.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.midge.codec.wire.MalformedPacketException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFilterTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "sport/tennis/player1/#, sport/tennis/player1, true",
            "sport/tennis/player1/#, sport/tennis/player1/ranking, true",
            "sport/tennis/player1/#, sport/tennis/player1/score/wimbledon, true",
            "sport/#, sport, true",
            "#, sport/tennis, true",
            "sport/tennis/+, sport/tennis/player1, true",
            "sport/tennis/+, sport/tennis/player1/ranking, false",
            "sport/+, sport, false",
            "sport/+, sport/, true",
            "+/+, /finance, true",
            "/+, /finance, true",
            "+, /finance, false",
            "#, $SYS/broker/uptime, false",
            "+/broker/uptime, $SYS/broker/uptime, false",
            "$SYS/#, $SYS/broker/uptime, true",
            "$SYS/+/uptime, $SYS/broker/uptime, true",
            "a//b, a//b, true",
            "a/+/b, a//b, true",
            "a/b, a/b/c, false",
            "a/b/c, a/b, false",
    })
    void matches_specExamples(String filter, String topic, boolean expected) {
        assertThat(TopicFilter.of(filter).matches(Topic.of(topic))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "#/a", "a#", "a/b#", "a+", "+a/b", "a/+b", "##"})
    void of_invalidFilter_throws(String filter) {
        assertThatThrownBy(() -> TopicFilter.of(filter)).isInstanceOf(MalformedPacketException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "+", "+/+", "a/#", "/#", "a/+/b/#", "/", "//"})
    void of_validFilter_accepted(String filter) {
        assertThat(TopicFilter.of(filter).filter()).isEqualTo(filter);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/+", "#", "a/#"})
    void topicOf_invalidName_throws(String name) {
        assertThatThrownBy(() -> Topic.of(name)).isInstanceOf(MalformedPacketException.class);
    }
}
