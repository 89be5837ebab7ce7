package dev.midge.cli.bench;

import dev.midge.client.ClientOptions;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Qos;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code midge bench SCENARIO}: load against any MQTT broker, like emqtt_bench: conn, pub, sub,
 * fanin (N publishers, one wildcard subscriber), fanout (one publisher, N subscribers), p2p (N
 * publisher/subscriber pairs). A progress line each second, a summary, and one RESULT line.
 */
@Command(name = "bench", description = "Load-test an MQTT broker: conn, pub, sub, fanin, fanout, p2p.")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCENARIO", description = "conn, pub, sub, fanin, fanout or p2p")
    String scenario;

    @Option(names = {"-h", "--host"}, description = "broker host (default localhost)")
    String host = "localhost";

    @Option(names = {"-p", "--port"}, description = "broker port (default 1883, 8883 with --cafile)")
    Integer port;

    @Option(names = {"-c", "--clients"}, description = "connections (conn), publishers (pub, fanin), "
            + "subscribers (sub, fanout) or pairs (p2p); default 16, 50 for fanout")
    Integer clients;

    @Option(names = {"-q", "--qos"}, description = "QoS of publishes and subscriptions (default 0)")
    int qos;

    @Option(names = {"-s", "--size"}, description = "payload bytes (default 64, at least 20)")
    int size = 64;

    @Option(names = {"-r", "--rate"}, description = "messages per second per publisher (0: flat out, bounded by --inflight)")
    double rate;

    @Option(names = {"-d", "--duration"}, description = "seconds of load (default 10)")
    int duration = 10;

    @Option(names = {"-t", "--topic"}, description = "topic pattern, %%i is the client number (default bench/%%i)")
    String topic = "bench/%i";

    @Option(names = {"-V", "--protocol-version"}, description = "mqttv311 (default) or mqttv5")
    String version = "mqttv311";

    @Option(names = "--persistent", description = "clean session false (session expiry 1 h on MQTT 5)")
    boolean persistent;

    @Option(names = "--inflight", description = "unacknowledged messages per publisher when flat out (default 20)")
    int inflight = 20;

    @Option(names = "--connect-rate", description = "connections opened per second (0: as fast as possible)")
    int connectRate;

    @Option(names = {"-A", "--source"}, description = "local addresses to rotate, e.g. 127.0.0.1-127.0.0.4, "
            + "for more connections than one source address has ports")
    String source;

    @Option(names = "--cafile", description = "connect with TLS, trusting this CA")
    File cafile;

    @Option(names = "--insecure", description = "with TLS, trust any server certificate")
    boolean insecure;

    @Option(names = "--threads", description = "client event loops (default: cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--id-prefix", description = "client id prefix (default bench-PID-)")
    String idPrefix;

    @Option(names = "--help", usageHelp = true)
    boolean help;

    @Override
    public Integer call() throws Exception {
        if (!List.of("conn", "pub", "sub", "fanin", "fanout", "p2p").contains(scenario)) {
            System.err.println("Error: unknown scenario '" + scenario + "' (conn, pub, sub, fanin, fanout, p2p).");
            return 1;
        }
        if (size < BenchPayload.HEADER || qos < 0 || qos > 2 || duration < 1) {
            System.err.println("Error: --size must be at least " + BenchPayload.HEADER
                    + ", --qos 0-2, --duration at least 1.");
            return 1;
        }
        int n = clients != null ? clients : scenario.equals("fanout") ? 50 : 16;
        try (BenchRun run = new BenchRun(this, n)) {
            return run.execute();
        }
    }

    MqttVersion mqttVersion() {
        return version.equals("mqttv5") || version.equals("5") ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1;
    }

    Qos mqttQos() {
        return Qos.of(qos);
    }

    String topicFor(int i) {
        return topic.replace("%i", Integer.toString(i));
    }

    /** The filter that matches every topic of the pattern (fanin, sub). */
    String wildcard() {
        return topic.contains("%i") ? topic.replace("%i", "+") : topic;
    }

    ClientOptions options(String id, int index) throws Exception {
        int p = port != null ? port : cafile != null || insecure ? 8883 : 1883;
        ClientOptions o = ClientOptions.of(host, p, id).withVersion(mqttVersion()).withKeepAlive(60)
                .withCleanSession(!persistent);
        if (persistent && mqttVersion().isV5()) {
            o = o.withConnectProperties(dev.midge.codec.packet.Properties.builder()
                    .put(dev.midge.codec.packet.Property.SESSION_EXPIRY_INTERVAL, 3600L).build());
        }
        List<String> sources = sources();
        if (!sources.isEmpty()) {
            o = o.withBindAddress(sources.get(index % sources.size()));
        }
        if (cafile != null || insecure) {
            o = o.withTls(tls());
        }
        return o;
    }

    private SslContext tlsContext;

    private synchronized SslContext tls() throws Exception {
        if (tlsContext == null) {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (insecure) {
                b.trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE);
            } else {
                b.trustManager(cafile);
            }
            tlsContext = b.build();
        }
        return tlsContext;
    }

    private List<String> sourceList;

    /** -A a.b.c.x-a.b.c.y (a range in the last octet) or a comma-separated list. */
    List<String> sources() {
        if (sourceList != null) {
            return sourceList;
        }
        List<String> out = new ArrayList<>();
        if (source != null) {
            for (String part : source.split(",")) {
                int dash = part.indexOf('-');
                if (dash > 0) {
                    String first = part.substring(0, dash);
                    String prefix = first.substring(0, first.lastIndexOf('.') + 1);
                    int from = Integer.parseInt(first.substring(first.lastIndexOf('.') + 1));
                    String last = part.substring(dash + 1);
                    int to = Integer.parseInt(last.substring(last.lastIndexOf('.') + 1));
                    for (int i = from; i <= to; i++) {
                        out.add(prefix + i);
                    }
                } else {
                    out.add(part);
                }
            }
        }
        sourceList = out;
        return out;
    }

    String idPrefix() {
        return idPrefix != null ? idPrefix : "bench-" + ProcessHandle.current().pid() + "-";
    }
}
