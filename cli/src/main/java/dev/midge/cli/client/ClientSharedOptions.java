package dev.midge.cli.client;

import dev.midge.client.ClientOptions;
import dev.midge.codec.packet.MqttVersion;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Qos;
import dev.midge.codec.packet.Will;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every client tool shares, with mosquitto's names and defaults (client_shared.c):
 * connection, identity, session, will, debug output and TLS.
 */
public final class ClientSharedOptions {
    @Option(names = {"-h", "--host"}, paramLabel = "HOST", description = "broker host (default localhost)")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "port (default 1883, 8883 for TLS)")
    Integer port;

    @Option(names = {"-L", "--url"}, paramLabel = "URL", description = "mqtt(s)://[user[:password]@]host[:port]/topic")
    String url;

    @Option(names = {"-i", "--id"}, paramLabel = "ID", description = "client id (default: assigned by the broker)")
    String id;

    @Option(names = {"-I", "--id-prefix"}, paramLabel = "PREFIX", description = "client id: PREFIX and the process id")
    String idPrefix;

    @Option(names = {"-k", "--keepalive"}, paramLabel = "SECONDS", description = "keep alive (default 60)")
    int keepalive = 60;

    @Option(names = {"-u", "--username"}, paramLabel = "USER")
    String username;

    @Option(names = {"-P", "--pw"}, paramLabel = "PASSWORD")
    String password;

    @Option(names = {"-V", "--protocol-version"}, paramLabel = "VERSION",
            description = "mqttv5, mqttv311 or mqttv31 (also 5, 311, 31); default mqttv311")
    String protocolVersion;

    @Option(names = {"-D", "--property"}, arity = "3..4", paramLabel = "WORD",
            description = "MQTT 5 property: -D command identifier value")
    List<String> properties;

    @Option(names = {"-q", "--qos"}, paramLabel = "QOS", description = "quality of service (default 0)")
    int qos;

    @Option(names = {"-c", "--disable-clean-session"}, description = "persistent session")
    boolean persistentSession;

    @Option(names = {"-x", "--session-expiry-interval"}, paramLabel = "SECONDS",
            description = "MQTT 5 session expiry; -1 or 4294967295: never")
    String sessionExpiry;

    @Option(names = "--will-topic", paramLabel = "TOPIC")
    String willTopic;

    @Option(names = "--will-payload", paramLabel = "PAYLOAD")
    String willPayload;

    @Option(names = "--will-qos", paramLabel = "QOS")
    int willQos;

    @Option(names = "--will-retain")
    boolean willRetain;

    @Option(names = {"-d", "--debug"}, description = "print every packet sent and received")
    public boolean debug;

    @Option(names = "--quiet", description = "print no error messages")
    public boolean quiet;

    @Option(names = "--cafile", paramLabel = "FILE")
    Path cafile;

    @Option(names = "--capath", paramLabel = "DIR")
    Path capath;

    @Option(names = "--cert", paramLabel = "FILE")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE")
    Path key;

    @Option(names = "--insecure", description = "do not check that the server certificate names the host")
    public boolean insecure;

    @Option(names = "--tls-version", paramLabel = "VERSION", description = "tlsv1.3 or tlsv1.2")
    String tlsVersion;

    @Option(names = "--tls-use-os-certs", description = "trust the system's CA certificates")
    boolean tlsUseOsCerts;

    @Option(names = "--ciphers", paramLabel = "CIPHERS")
    String ciphers;

    @Option(names = {"-A"}, paramLabel = "ADDRESS", description = "bind the socket to this local address")
    String bindAddress;

    @Option(names = "--nodelay", description = "accepted for compatibility (Midge always disables Nagle)")
    boolean nodelay;

    @Option(names = "--help", usageHelp = true, description = "show this help")
    boolean help;

    private MqttUrl parsedUrl;
    private PropertyArgs parsedProperties;

    /** The topic the -L URL names, or null. */
    public String urlTopic() throws ToolError {
        return url()  == null ? null : url().topic();
    }

    private MqttUrl url() throws ToolError {
        if (url != null && parsedUrl == null) {
            parsedUrl = MqttUrl.parse(url);
        }
        return parsedUrl;
    }

    /** Whether -V was given (mosquitto_rr defaults to MQTT 5, the others to 3.1.1). */
    public boolean versionGiven() {
        return protocolVersion != null;
    }

    public void useVersion(String version) {
        this.protocolVersion = version;
    }

    public MqttVersion version() throws ToolError {
        return switch (protocolVersion == null ? "mqttv311" : protocolVersion) {
            case "mqttv31", "31" -> MqttVersion.MQTT_3_1;
            case "mqttv311", "311" -> MqttVersion.MQTT_3_1_1;
            case "mqttv5", "5" -> MqttVersion.MQTT_5;
            default -> throw ToolError.usage("Error: Invalid protocol version argument given.");
        };
    }

    public Qos qos() throws ToolError {
        if (qos < 0 || qos > 2) {
            throw ToolError.usage("Error: Invalid QoS given: " + qos);
        }
        return Qos.of(qos);
    }

    public PropertyArgs properties() throws ToolError {
        if (parsedProperties == null) {
            parsedProperties = PropertyArgs.parse(properties, version().isV5());
        }
        return parsedProperties;
    }

    public boolean tls() throws ToolError {
        return cafile != null || capath != null || tlsUseOsCerts || url() != null && url().tls();
    }

    /** The client id mosquitto would use: -i, or -I with the process id, or none (the broker assigns one). */
    String clientId() throws ToolError {
        if (id != null) {
            if (idPrefix != null) {
                throw ToolError.usage("Error: -i and -I argument cannot be used together.");
            }
            return id;
        }
        if (idPrefix != null) {
            return idPrefix + ProcessHandle.current().pid();
        }
        if (persistentSession) {
            throw ToolError.usage("Error: You must provide a client id if you are using the -c option.");
        }
        return "";
    }

    /** Checks the options and builds what the client library connects with. */
    public ClientOptions toClientOptions() throws ToolError {
        MqttVersion version = version();
        MqttUrl u = url();
        String h = host != null ? host : u != null ? u.host() : "localhost";
        int p = port != null ? port : u != null ? u.port() : tls() ? 8883 : 1883;
        if (p < 1 || p > 65535) {
            throw ToolError.usage("Error: Invalid port given: " + p);
        }
        if (keepalive < 0 || keepalive > 65535 || keepalive > 0 && keepalive < 5) {
            throw ToolError.usage("Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.");
        }
        String user = username != null ? username : u != null ? u.username() : null;
        String pass = password != null ? password : u != null ? u.password() : null;
        if (pass != null && user == null) {
            throw ToolError.usage("Error: You must provide a username if you are using a password.");
        }
        ClientOptions o = ClientOptions.of(h, p, clientId()).withVersion(version).withKeepAlive(keepalive)
                .withCleanSession(!persistentSession)
                .withCredentials(user, pass == null ? null : pass.getBytes(StandardCharsets.UTF_8))
                .withConnectProperties(connectProperties(version))
                .withBindAddress(bindAddress);
        if (willTopic != null) {
            if (willQos < 0 || willQos > 2) {
                throw ToolError.usage("Error: Invalid will QoS " + willQos + ".");
            }
            byte[] payload = willPayload == null ? new byte[0] : willPayload.getBytes(StandardCharsets.UTF_8);
            o = o.withWill(new Will(willTopic, payload, Qos.of(willQos), willRetain,
                    properties().of(PropertyArgs.Command.WILL)));
        } else if (willPayload != null || willRetain) {
            throw ToolError.usage("Error: Will payload or retain flag given without a will topic.");
        }
        if (tls()) {
            o = o.withTls(ClientTls.context(cafile, capath, cert, key, tlsVersion, ciphers, tlsUseOsCerts));
        } else if (cert != null || key != null) {
            throw ToolError.usage("Error: --cert and --key need --cafile, --capath or --tls-use-os-certs.");
        }
        return o;
    }

    private Properties connectProperties(MqttVersion version) throws ToolError {
        Properties given = properties().of(PropertyArgs.Command.CONNECT);
        if (!version.isV5()) {
            if (sessionExpiry != null) {
                throw ToolError.usage("Error: -x is only available with MQTT v5 (-V mqttv5).");
            }
            return Properties.EMPTY;
        }
        Properties.Builder b = given.toBuilder();
        // mosquitto: -c alone means a session that never expires; without -c, expiry 0
        long expiry = persistentSession ? 0xFFFF_FFFFL : 0;
        if (sessionExpiry != null) {
            expiry = switch (sessionExpiry) {
                case "-1", "∞" -> 0xFFFF_FFFFL;
                default -> {
                    try {
                        long v = Long.parseLong(sessionExpiry);
                        if (v < 0 || v > 0xFFFF_FFFFL) {
                            throw new NumberFormatException();
                        }
                        yield v;
                    } catch (NumberFormatException e) {
                        throw ToolError.usage("Error: Invalid session-expiry-interval '" + sessionExpiry + "'.");
                    }
                }
            };
        }
        if (expiry != 0) {
            b.put(Property.SESSION_EXPIRY_INTERVAL, expiry);
        }
        return b.build();
    }
}
