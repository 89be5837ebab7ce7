package dev.midge.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {
    @TempDir
    Path dir;

    private BrokerConfig parse(String text) throws IOException, ConfigException {
        Path f = dir.resolve("mosquitto.conf");
        Files.writeString(f, text);
        return ConfigParser.parse(f, BrokerConfig.builder()).build();
    }

    @Test
    void noConfig_localOnlyWithAnonymous() {
        BrokerConfig c = BrokerConfig.localOnly(1883);
        assertThat(c.localOnly()).isTrue();
        assertThat(c.allowAnonymous()).isTrue();
        assertThat(c.listeners()).extracting(Listener::host).containsExactly("127.0.0.1", "::1");
        assertThat(c.maxInflightMessages()).isEqualTo(20);
        assertThat(c.maxQueuedMessages()).isEqualTo(1000);
        assertThat(c.sysIntervalSeconds()).isEqualTo(10);
    }

    @Test
    void listener_configured_anonymousDefaultsToFalse() throws Exception {
        BrokerConfig c = parse("# comment\n\nlistener 1884 0.0.0.0\nmax_inflight_messages 5\n"
                + "max_queued_messages 50\nsys_interval 3\n");
        assertThat(c.localOnly()).isFalse();
        assertThat(c.allowAnonymous()).isFalse();
        assertThat(c.listeners()).containsExactly(new Listener("0.0.0.0", 1884));
        assertThat(c.maxInflightMessages()).isEqualTo(5);
        assertThat(c.maxQueuedMessages()).isEqualTo(50);
        assertThat(c.sysIntervalSeconds()).isEqualTo(3);
    }

    @Test
    void allowAnonymous_explicit_wins() throws Exception {
        assertThat(parse("listener 1884\nallow_anonymous true\n").allowAnonymous()).isTrue();
    }

    @Test
    void malformedValue_errorNamesFileAndLine() {
        assertThatThrownBy(() -> parse("\nlistener abc\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("mosquitto.conf:2: port: 'abc' is not a number");
        assertThatThrownBy(() -> parse("allow_anonymous maybe\n"))
                .hasMessageContaining("mosquitto.conf:1: allow_anonymous takes true or false");
        assertThatThrownBy(() -> parse("max_keepalive 5\n")).hasMessageContaining(":1: max_keepalive 5 is out of range");
        assertThatThrownBy(() -> parse("listener\n")).hasMessageContaining(":1: listener takes 1 to 2 values");
    }

    @Test
    void unknownKey_isError_supportedLaterKey_isWarning() throws Exception {
        assertThatThrownBy(() -> parse("max_inflight_mesages 5\n"))
                .hasMessageContaining(":1: unknown configuration key 'max_inflight_mesages'");
        BrokerConfig c = parse("autosave_interval 1800\npassword_file /etc/mosquitto/passwd\n");
        assertThat(c.warnings()).hasSize(2);
        assertThat(c.warnings().get(1)).contains(":2:").contains("password_file");
    }
}
