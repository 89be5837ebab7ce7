package dev.midge.client;

import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Publish;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of an MQTT session, which outlives a connection (spec 4.1): QoS 1 and 2
 * messages sent but not yet acknowledged (resent with DUP, or their PUBREL resent, after a
 * reconnect) and inbound QoS 2 messages held until PUBREL. Only the client's one event loop
 * touches it.
 */
final class ClientSession {
    /** One outbound QoS 1/2 message. */
    static final class Flight {
        final Publish publish;
        final CompletableFuture<MqttPacket> done;
        /** Whether it went out on some connection (a resend then carries DUP). */
        boolean sent;
        /** Whether PUBREC came: what is resent is PUBREL. */
        boolean released;

        Flight(Publish publish, CompletableFuture<MqttPacket> done) {
            this.publish = publish;
            this.done = done;
        }
    }

    /** Outbound flights by packet id, in the order they were first sent. */
    final Map<Integer, Flight> outbound = new LinkedHashMap<>();
    /** Inbound QoS 2 messages awaiting PUBREL, by packet id. */
    final Map<Integer, Publish> awaitingPubrel = new HashMap<>();
    private int nextPacketId = 1;

    /** A packet id in use neither by a flight nor by {@code others}. */
    int allocate(Map<Integer, ?> others) {
        if (outbound.size() + others.size() >= 0xFFFF) {
            throw new MqttClientException("no free packet identifier", -1);
        }
        int id;
        do {
            id = nextPacketId;
            nextPacketId = id == 0xFFFF ? 1 : id + 1;
        } while (outbound.containsKey(id) || others.containsKey(id));
        return id;
    }

    /** The session was not resumed by the server: inbound state goes, outbound messages are sent anew. */
    void restartedByServer() {
        awaitingPubrel.clear();
        for (Flight f : outbound.values()) {
            f.sent = false;
            f.released = false;
        }
    }

    void failAll(Throwable cause) {
        outbound.values().forEach(f -> f.done.completeExceptionally(cause));
        outbound.clear();
    }
}
