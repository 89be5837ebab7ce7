package dev.midge.cli;

import dev.midge.cli.client.ClientSharedOptions;
import dev.midge.cli.client.PropertyArgs;
import dev.midge.cli.client.ToolConnection;
import dev.midge.cli.client.ToolError;
import dev.midge.client.ClientOptions;
import dev.midge.client.MqttClient;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.PublishAck;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.ReasonCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code midge pub}: mosquitto_pub's options and behaviour. QoS 1 and 2 messages are not lost
 * when the tool exits: it waits for every acknowledgement before DISCONNECT.
 */
@Command(name = "pub", description = "Publish MQTT messages (mosquitto_pub's options).")
public final class PubCommand extends ClientTool {
    @Mixin
    ClientSharedOptions shared;

    @Option(names = {"-t", "--topic"}, paramLabel = "TOPIC")
    String topic;

    @Option(names = {"-m", "--message"}, paramLabel = "MESSAGE")
    String message;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE")
    Path file;

    @Option(names = {"-s", "--stdin-file"}, description = "read the whole of stdin as one message")
    boolean stdinWhole;

    @Option(names = {"-l", "--stdin-line"}, description = "send each line of stdin as a message")
    boolean stdinLines;

    @Option(names = {"-n", "--null-message"}, description = "send a zero length message")
    boolean nullMessage;

    @Option(names = {"-r", "--retain"})
    boolean retain;

    @Option(names = "--repeat", paramLabel = "N")
    int repeat = 1;

    @Option(names = "--repeat-delay", paramLabel = "SECONDS")
    double repeatDelay;

    @Option(names = {"-M"}, paramLabel = "N", description = "accepted for compatibility (the broker's receive maximum applies)")
    int maxInflight;

    @Override
    protected ClientSharedOptions shared() {
        return shared;
    }

    @Override
    protected int run() throws ToolError, IOException, InterruptedException {
        if (topic == null) {
            topic = shared.urlTopic();
        }
        int sources = (message != null ? 1 : 0) + (file != null ? 1 : 0) + (stdinWhole ? 1 : 0) + (stdinLines ? 1 : 0)
                + (nullMessage ? 1 : 0);
        if (sources > 1) {
            throw ToolError.usage("Error: Only one type of message can be sent at once.");
        }
        if (topic == null || sources == 0) {
            throw ToolError.usage("Error: Both topic and message must be supplied.");
        }
        if (topic.contains("+") || topic.contains("#")) {
            throw ToolError.usage("Error: Invalid publish topic '" + topic + "', does it contain '+' or '#'?");
        }
        if (repeat < 1) {
            throw ToolError.usage("Error: --repeat argument must be >0.");
        }
        Qos qos = shared.qos();
        Properties props = shared.properties().of(PropertyArgs.Command.PUBLISH);
        byte[] payload = stdinLines ? null : payload();
        ClientOptions options = shared.toClientOptions();
        MqttClient client = ToolConnection.connect(shared, options, ToolConnection.observer(shared, options, out),
                m -> { }, true);
        List<CompletableFuture<MqttPacket>> flows = new ArrayList<>();
        try {
            if (stdinLines) {
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    flows.add(client.publish(new Publish(topic, line.getBytes(StandardCharsets.UTF_8), qos, retain, false,
                            0, props)));
                }
            } else {
                for (int i = 0; i < repeat; i++) {
                    if (i > 0 && repeatDelay > 0) {
                        Thread.sleep((long) (repeatDelay * 1000));
                    }
                    flows.add(client.publish(new Publish(topic, payload, qos, retain, false, 0, props)));
                }
            }
            int result = 0;
            for (CompletableFuture<MqttPacket> f : flows) {
                MqttPacket ack = f.get(60, TimeUnit.SECONDS);
                if (ack instanceof PublishAck a && ReasonCode.isError(a.reasonCode()) && !shared.quiet) {
                    err.println("Warning: Publish " + a.packetId() + " failed: "
                            + dev.midge.cli.client.ConnectErrors.describe(a.reasonCode(), true) + ".");
                    result = a.reasonCode();
                }
            }
            client.disconnect().get(10, TimeUnit.SECONDS);
            return result;
        } catch (ExecutionException | TimeoutException e) {
            throw new ToolError("Error: The connection was lost.", 7, false);
        } finally {
            client.close();
        }
    }

    private byte[] payload() throws ToolError, IOException {
        if (message != null) {
            return message.getBytes(StandardCharsets.UTF_8);
        }
        if (nullMessage) {
            return new byte[0];
        }
        if (file != null) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new ToolError("Error: Unable to read file \"" + file + "\": " + e.getMessage() + ".", 1, false);
            }
        }
        return readAll(in);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
