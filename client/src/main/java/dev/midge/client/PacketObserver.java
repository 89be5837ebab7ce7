package dev.midge.client;

import dev.midge.codec.packet.MqttPacket;

/**
 * Sees every packet as it goes over the wire, on the connection's event loop: what the command-line
 * tools print with {@code -d}.
 */
public interface PacketObserver {
    PacketObserver NONE = new PacketObserver() {
    };

    default void sent(MqttPacket packet) {
    }

    default void received(MqttPacket packet) {
    }
}
