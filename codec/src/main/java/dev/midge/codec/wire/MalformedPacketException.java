package dev.midge.codec.wire;

import dev.midge.codec.packet.ReasonCode;

/**
 * A packet broke a rule of the wire format. Carries the MQTT 5 reason code that a DISCONNECT
 * (or, for a bad CONNECT, a CONNACK) should report: 0x81 malformed, 0x82 protocol error,
 * 0x84 unsupported protocol version, 0x95 packet too large, ...
 * Stack traces are not filled in: this is an expected outcome of hostile input, and thrown often.
 */
public final class MalformedPacketException extends RuntimeException {
    private final int reasonCode;

    public MalformedPacketException(int reasonCode, String message) {
        super(message, null, false, false);
        this.reasonCode = reasonCode;
    }

    public static MalformedPacketException malformed(String message) {
        return new MalformedPacketException(ReasonCode.MALFORMED_PACKET, message);
    }

    public static MalformedPacketException protocolError(String message) {
        return new MalformedPacketException(ReasonCode.PROTOCOL_ERROR, message);
    }

    public int reasonCode() {
        return reasonCode;
    }

    @Override
    public String getMessage() {
        return super.getMessage() + String.format(" (reason 0x%02X)", reasonCode);
    }
}
