package dev.midge.client;

/** A connection that failed or was refused, or an operation on a connection that is gone. */
public final class MqttClientException extends RuntimeException {
    private final int reasonCode;

    public MqttClientException(String message, int reasonCode) {
        super(message);
        this.reasonCode = reasonCode;
    }

    public MqttClientException(String message, Throwable cause) {
        super(message, cause);
        this.reasonCode = -1;
    }

    /** The CONNACK return / reason code of a refused connection, else -1. */
    public int reasonCode() {
        return reasonCode;
    }
}
