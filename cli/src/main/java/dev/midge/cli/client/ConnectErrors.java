package dev.midge.cli.client;

/** The words mosquitto's clients use for a refused CONNECT (mosquitto_connack_string, mosquitto_reason_string). */
public final class ConnectErrors {
    private ConnectErrors() {
    }

    /** "Connection Refused: not authorised." for 3.x codes, "Not authorized" for MQTT 5 reason codes. */
    public static String describe(int code, boolean v5) {
        if (!v5) {
            return switch (code) {
                case 1 -> "Connection Refused: unacceptable protocol version.";
                case 2 -> "Connection Refused: identifier rejected.";
                case 3 -> "Connection Refused: broker unavailable.";
                case 4 -> "Connection Refused: bad user name or password.";
                case 5 -> "Connection Refused: not authorised.";
                default -> "Connection Refused: unknown reason.";
            };
        }
        return switch (code) {
            case 0x80 -> "Unspecified error";
            case 0x81 -> "Malformed Packet";
            case 0x82 -> "Protocol Error";
            case 0x83 -> "Implementation specific error";
            case 0x84 -> "Unsupported Protocol Version";
            case 0x85 -> "Client Identifier not valid";
            case 0x86 -> "Bad User Name or Password";
            case 0x87 -> "Not authorized";
            case 0x88 -> "Server unavailable";
            case 0x89 -> "Server busy";
            case 0x8A -> "Banned";
            case 0x8C -> "Bad authentication method";
            case 0x90 -> "Topic Name invalid";
            case 0x95 -> "Packet too large";
            case 0x97 -> "Quota exceeded";
            case 0x99 -> "Payload format invalid";
            case 0x9A -> "Retain not supported";
            case 0x9B -> "QoS not supported";
            case 0x9C -> "Use another server";
            case 0x9D -> "Server moved";
            case 0x9F -> "Connection rate exceeded";
            default -> "Unknown reason";
        };
    }
}
