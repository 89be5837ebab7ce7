package dev.midge.codec.packet;

/** What PUBACK, PUBREC, PUBREL and PUBCOMP have in common: one step of a QoS 1/2 flow. */
public sealed interface PublishAck extends MqttPacket permits Puback, Pubrec, Pubrel, Pubcomp {
    int packetId();

    int reasonCode();

    Properties properties();
}
