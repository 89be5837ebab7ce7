package dev.midge.cli.client;

import dev.midge.client.ClientOptions;
import dev.midge.client.MqttClient;
import dev.midge.client.MqttClientException;
import dev.midge.client.PacketObserver;
import dev.midge.codec.packet.Publish;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Connects a client tool and turns every way that can fail into mosquitto's words and exit
 * codes: a refused CONNECT exits with its return / reason code, a refused socket with 1, a TLS
 * failure with 8 (and the reason).
 */
public final class ToolConnection {
    private ToolConnection() {
    }

    /** The packet observer for -d, or none. */
    public static PacketObserver observer(ClientSharedOptions shared, ClientOptions options, PrintStream out) {
        return shared.debug ? new DebugLines(out, options.clientId()) : PacketObserver.NONE;
    }

    /**
     * Connects and returns the client; {@code publishTool} adds mosquitto_pub's second line after
     * an MQTT 5 refusal.
     */
    public static MqttClient connect(ClientSharedOptions shared, ClientOptions options, PacketObserver observer,
                                     Consumer<Publish> messages, boolean publishTool) throws ToolError {
        MqttClient client = MqttClient.create(options, observer, messages);
        if (shared.insecure) {
            client.withoutHostnameVerification();
        }
        try {
            client.connect().get(30, TimeUnit.SECONDS);
            return client;
        } catch (ExecutionException e) {
            client.close();
            throw translate(e.getCause(), options, publishTool);
        } catch (TimeoutException e) {
            client.close();
            throw new ToolError("Error: Connection timed out.", 1, false);
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new ToolError("Error: interrupted.", 1, false);
        }
    }

    static ToolError translate(Throwable cause, ClientOptions options, boolean publishTool) {
        boolean v5 = options.version().isV5();
        if (cause instanceof MqttClientException refused && refused.reasonCode() > 0) {
            String text = "Connection error: " + ConnectErrors.describe(refused.reasonCode(), v5);
            if (v5 && publishTool) {
                text += "\nError: A network protocol error occurred when communicating with the broker.";
            } else if (!v5 && publishTool) {
                text += "\nError: The connection was refused.";
            }
            return new ToolError(text, refused.reasonCode(), false);
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof SSLException) {
                break;
            }
            root = root.getCause();
        }
        if (root instanceof SSLException || cause.getCause() instanceof SSLException) {
            SSLException tls = root instanceof SSLException s ? s : (SSLException) cause.getCause();
            return new ToolError("TLS error: " + tls.getMessage() + "\nError: A TLS error occurred.", 8, false);
        }
        if (root instanceof UnknownHostException) {
            return new ToolError("Unable to connect (Lookup error.).", 1, false);
        }
        if (root instanceof ConnectException) {
            return new ToolError("Error: Connection refused", 1, false);
        }
        if (cause instanceof MqttClientException) {
            return new ToolError("Error: The connection was lost.", 7, false);
        }
        return new ToolError("Error: " + (root.getMessage() == null ? root.toString() : root.getMessage()), 1, false);
    }
}
