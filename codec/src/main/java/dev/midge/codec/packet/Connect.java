package dev.midge.codec.packet;

import java.util.Objects;

/**
 * CONNECT (spec 3.1). {@code username} and {@code password} are null when their flag is clear;
 * {@code will} is null when the will flag is clear.
 */
public record Connect(MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds,
                      String username, byte[] password, Will will, Properties properties)
        implements MqttPacket {
    public Connect {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(properties, "properties");
    }

    @Override
    public PacketType type() {
        return PacketType.CONNECT;
    }
}
