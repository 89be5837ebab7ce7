package dev.midge.codec.packet;

/** The protocol levels Midge speaks, with the protocol name each one puts in CONNECT. */
public enum MqttVersion {
    MQTT_3_1(3, "MQIsdp"),
    MQTT_3_1_1(4, "MQTT"),
    MQTT_5(5, "MQTT");

    private final int level;
    private final String protocolName;

    MqttVersion(int level, String protocolName) {
        this.level = level;
        this.protocolName = protocolName;
    }

    public int level() {
        return level;
    }

    public String protocolName() {
        return protocolName;
    }

    public boolean isV5() {
        return this == MQTT_5;
    }

    /** The version for a CONNECT's protocol name and level, or null when Midge does not speak it. */
    public static MqttVersion of(String protocolName, int level) {
        for (MqttVersion v : values()) {
            if (v.level == level && v.protocolName.equals(protocolName)) {
                return v;
            }
        }
        return null;
    }
}
