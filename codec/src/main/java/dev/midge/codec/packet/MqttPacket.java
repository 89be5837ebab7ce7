package dev.midge.codec.packet;

/** An MQTT control packet. Every implementation is an immutable record. */
public sealed interface MqttPacket
        permits Connect, Connack, Publish, PublishAck, Subscribe, Suback,
        Unsubscribe, Unsuback, Pingreq, Pingresp, Disconnect, Auth {

    PacketType type();
}
