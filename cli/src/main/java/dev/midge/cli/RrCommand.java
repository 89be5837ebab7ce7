package dev.midge.cli;

import dev.midge.cli.client.ClientSharedOptions;
import dev.midge.cli.client.MessagePrinter;
import dev.midge.cli.client.PropertyArgs;
import dev.midge.cli.client.ToolConnection;
import dev.midge.cli.client.ToolError;
import dev.midge.client.ClientOptions;
import dev.midge.client.MqttClient;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code midge rr}: mosquitto_rr. Subscribes to the response topic, publishes the request with
 * MQTT 5's response topic and correlation data, prints the first response that carries the same
 * correlation data (or any, when the responder sends none), and exits.
 */
@Command(name = "rr", description = "Send a request and print the response (mosquitto_rr's options).")
public final class RrCommand extends ClientTool {
    @Mixin
    ClientSharedOptions shared;

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC", description = "request topic")
    String topic;

    @Option(names = {"-e", "--response-topic"}, paramLabel = "TOPIC", required = false)
    String responseTopic;

    @Option(names = {"-m", "--message"}, paramLabel = "MESSAGE")
    String message;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE")
    Path file;

    @Option(names = {"-s", "--stdin-file"})
    boolean stdinWhole;

    @Option(names = {"-n", "--null-message"})
    boolean nullMessage;

    @Option(names = {"-W"}, paramLabel = "SECONDS")
    int timeout;

    @Option(names = {"-v", "--verbose"})
    boolean verbose;

    @Option(names = {"-N"})
    boolean noEol;

    @Option(names = {"-F"}, paramLabel = "FORMAT")
    String format;

    @Option(names = "--pretty")
    boolean pretty;

    @Override
    protected ClientSharedOptions shared() {
        return shared;
    }

    @Override
    protected int run() throws Exception {
        if (!shared.versionGiven()) {
            shared.useVersion("mqttv5"); // mosquitto_rr defaults to MQTT 5
        }
        if (topic == null) {
            topic = shared.urlTopic();
        }
        if (topic == null || responseTopic == null) {
            throw ToolError.usage("Error: All of topic, message, and response topic must be supplied.");
        }
        byte[] payload = payload();
        ClientOptions options = shared.toClientOptions();
        boolean v5 = options.version().isV5();
        byte[] correlation = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
        MessagePrinter printer = new MessagePrinter(format, verbose, !noEol, pretty, out, err);
        CompletableFuture<Void> answered = new CompletableFuture<>();
        MqttClient client = ToolConnection.connect(shared, options, ToolConnection.observer(shared, options, out),
                p -> {
                    byte[] c = p.properties().binary(Property.CORRELATION_DATA);
                    if (!answered.isDone() && (c == null || Arrays.equals(c, correlation))) {
                        printer.print(p);
                        answered.complete(null);
                    }
                }, false);
        try {
            Qos qos = shared.qos();
            client.subscribe(List.of(new Subscription(responseTopic, qos, false, false, 0))).get(30, TimeUnit.SECONDS);
            Properties.Builder props = shared.properties().of(PropertyArgs.Command.PUBLISH).toBuilder();
            if (v5) {
                props.put(Property.RESPONSE_TOPIC, responseTopic).put(Property.CORRELATION_DATA, correlation);
            }
            client.publish(new Publish(topic, payload, qos, false, false, 0, props.build())).get(30, TimeUnit.SECONDS);
            try {
                if (timeout > 0) {
                    answered.get(timeout, TimeUnit.SECONDS);
                } else {
                    answered.get();
                }
            } catch (TimeoutException e) {
                if (!shared.quiet) {
                    err.println("Timed out");
                }
                return SubCommand.TIMED_OUT;
            }
            client.disconnect().get(10, TimeUnit.SECONDS);
            return 0;
        } finally {
            client.close();
        }
    }

    private byte[] payload() throws Exception {
        int sources = (message != null ? 1 : 0) + (file != null ? 1 : 0) + (stdinWhole ? 1 : 0) + (nullMessage ? 1 : 0);
        if (sources > 1) {
            throw ToolError.usage("Error: Only one type of message can be sent at once.");
        }
        if (sources == 0) {
            throw ToolError.usage("Error: All of topic, message, and response topic must be supplied.");
        }
        if (message != null) {
            return message.getBytes(StandardCharsets.UTF_8);
        }
        if (file != null) {
            return Files.readAllBytes(file);
        }
        return stdinWhole ? in.readAllBytes() : new byte[0];
    }
}
