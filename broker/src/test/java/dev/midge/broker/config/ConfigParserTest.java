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
        assertThat(c.listeners()).extracting(Listener::host, Listener::port).containsExactly(
                org.assertj.core.groups.Tuple.tuple("0.0.0.0", 1884));
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
        BrokerConfig c = parse("autosave_interval 1800\nuser mosquitto\n");
        assertThat(c.warnings()).hasSize(2);
        assertThat(c.warnings().get(0)).contains(":1:").contains("autosave_interval");
        assertThat(c.warnings().get(1)).contains(":2:").contains("user mosquitto ignored");
    }

    @Test
    void listenerBlocks_keysBelongToTheListenerAbove() throws Exception {
        BrokerConfig c = parse("""
                listener 1883 127.0.0.1
                max_connections 10
                listener 8883
                certfile /etc/certs/server.pem
                keyfile /etc/certs/server key.pem
                cafile /etc/certs/ca.pem
                require_certificate true
                use_identity_as_username true
                tls_version tlsv1.3
                listener 9001
                protocol websockets
                """);
        assertThat(c.listeners()).hasSize(3);
        Listener plain = c.listeners().get(0);
        assertThat(plain.maxConnections()).isEqualTo(10);
        assertThat(plain.isTls()).isFalse();
        Listener tls = c.listeners().get(1);
        assertThat(tls.host()).isNull();
        assertThat(tls.tls().keyfile()).isEqualTo(Path.of("/etc/certs/server key.pem"));
        assertThat(tls.tls().requireCertificate()).isTrue();
        assertThat(tls.tls().useIdentityAsUsername()).isTrue();
        assertThat(tls.tls().minimumVersion()).isEqualTo("TLSv1.3");
        assertThat(tls.describe()).isEqualTo("mqtts://*:8883");
        assertThat(c.listeners().get(2).protocol()).isEqualTo(Listener.Protocol.WEBSOCKETS);
        assertThat(c.listeners().get(2).describe()).isEqualTo("ws://*:9001");
    }

    @Test
    void securityIsBrokerWide_unlessPerListenerSettings() throws Exception {
        BrokerConfig global = parse("listener 1883\npassword_file /a\nlistener 1884\nallow_anonymous true\n");
        assertThat(global.listeners()).allSatisfy(l -> {
            assertThat(l.security().passwordFile()).isEqualTo(Path.of("/a"));
            assertThat(l.security().allowAnonymous()).isTrue();
        });
        BrokerConfig per = parse("per_listener_settings true\nlistener 1883\npassword_file /a\n"
                + "listener 1884\nallow_anonymous true\nacl_file /acl\n");
        assertThat(per.listeners().get(0).security()).isEqualTo(new Security(false, Path.of("/a"), null));
        assertThat(per.listeners().get(1).security()).isEqualTo(new Security(true, null, Path.of("/acl")));
    }

    @Test
    void tlsListenerWithoutKey_isErrorNamingTheListenerLine() {
        assertThatThrownBy(() -> parse("listener 1883\nlistener 8883\ncertfile /c.pem\n"))
                .hasMessageContaining("mosquitto.conf:2: a TLS listener needs both certfile and keyfile");
        assertThatThrownBy(() -> parse("listener 8883\ncertfile /c\nkeyfile /k\nrequire_certificate true\n"))
                .hasMessageContaining(":1: require_certificate needs cafile or capath");
        assertThatThrownBy(() -> parse("listener 8883\ntls_version tlsv1.1\n"))
                .hasMessageContaining(":2: tlsv1.1 is not offered");
        assertThatThrownBy(() -> parse("listener 80\nprotocol http\n"))
                .hasMessageContaining(":2: protocol takes mqtt or websockets");
    }

    @Test
    void includeDir_readsConfFilesInOrder_errorsNameTheIncludedFile() throws Exception {
        Path conf = Files.createDirectory(dir.resolve("conf.d"));
        Files.writeString(conf.resolve("b.conf"), "max_queued_messages 7\n");
        Files.writeString(conf.resolve("a.conf"), "max_queued_messages 3\nmax_inflight_messages 4\n");
        Files.writeString(conf.resolve("notes.txt"), "not config\n");
        BrokerConfig c = parse("include_dir " + conf + "\n");
        assertThat(c.maxQueuedMessages()).isEqualTo(7);
        assertThat(c.maxInflightMessages()).isEqualTo(4);
        Files.writeString(conf.resolve("c.conf"), "\nbogus_key 1\n");
        assertThatThrownBy(() -> parse("include_dir " + conf + "\n")).hasMessageContaining("c.conf:2: unknown");
    }

    @Test
    void logAndPidSettings() throws Exception {
        BrokerConfig c = parse("log_dest stdout\nlog_dest file /var/log/midge.log\nlog_type all\n"
                + "log_dest syslog\npid_file /run/midge.pid\n");
        assertThat(c.logDestinations()).containsExactly("stdout", "file /var/log/midge.log");
        assertThat(c.logTypes()).containsExactly("all");
        assertThat(c.pidFile()).isEqualTo(Path.of("/run/midge.pid"));
        assertThat(c.warnings()).singleElement().asString().contains(":4: log_dest syslog");
        assertThatThrownBy(() -> parse("log_type verbose\n")).hasMessageContaining(":1: unknown log_type");
    }

    @Test
    void persistenceSettings() throws Exception {
        BrokerConfig defaults = parse("listener 1884\n");
        assertThat(defaults.persistenceSyncMillis()).isZero();
        assertThat(defaults.persistenceGatherMillis()).isEqualTo(2);
        BrokerConfig c = parse("persistence_sync interval 100\npersistence_sync_gather 0\npersistence_memory_limit 128\n");
        assertThat(c.persistenceSyncMillis()).isEqualTo(100);
        assertThat(c.persistenceGatherMillis()).isZero();
        assertThat(c.persistenceMemoryBytes()).isEqualTo(128L << 20);
        assertThatThrownBy(() -> parse("\npersistence_sync_gather 101\n"))
                .hasMessageContaining(":2: persistence_sync_gather 101 is out of range");
        assertThatThrownBy(() -> parse("persistence_sync sometimes\n")).hasMessageContaining(":1: persistence_sync takes");
    }

    @Test
    void sleepIdleConnections_onByDefault_offWhenSaid() throws Exception {
        assertThat(parse("listener 1884\n").sleepIdleConnections()).isTrue();
        assertThat(parse("sleep_idle_connections false\n").sleepIdleConnections()).isFalse();
        assertThatThrownBy(() -> parse("\n\nsleep_idle_connections maybe\n")).hasMessageContaining(":3:");
    }

    @Test
    void warmUpConnections_noneUnlessSaid_rangeChecked() throws Exception {
        assertThat(parse("listener 1884\n").warmUpConnections()).isZero();
        assertThat(parse("warm_up_connections 500\n").warmUpConnections()).isEqualTo(500);
        assertThatThrownBy(() -> parse("\nwarm_up_connections -1\n")).hasMessageContaining(":2:");
        assertThatThrownBy(() -> parse("warm_up_connections 10001\n")).hasMessageContaining(":1:");
    }
}
