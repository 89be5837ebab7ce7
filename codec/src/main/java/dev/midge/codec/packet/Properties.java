package dev.midge.codec.packet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The MQTT 5 properties of a packet: immutable. Single-valued properties are held by
 * {@link Property}; user properties and subscription identifiers, which may repeat, are lists.
 * Integer-typed values are Integer except four-byte ones, which are Long (unsigned 32-bit).
 * MQTT 3.x packets carry {@link #EMPTY}.
 */
public final class Properties {
    public static final Properties EMPTY = new Properties(new EnumMap<>(Property.class), List.of(), List.of());

    private final Map<Property, Object> values;
    private final List<UserProperty> userProperties;
    private final List<Integer> subscriptionIdentifiers;

    private Properties(EnumMap<Property, Object> values, List<UserProperty> userProperties,
                       List<Integer> subscriptionIdentifiers) {
        this.values = Collections.unmodifiableMap(values);
        this.userProperties = List.copyOf(userProperties);
        this.subscriptionIdentifiers = List.copyOf(subscriptionIdentifiers);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.userProperties.addAll(userProperties);
        b.subscriptionIdentifiers.addAll(subscriptionIdentifiers);
        return b;
    }

    public boolean isEmpty() {
        // EMPTY first: it is what almost every packet carries, and it answers without touching the maps
        return this == EMPTY || values.isEmpty() && userProperties.isEmpty() && subscriptionIdentifiers.isEmpty();
    }

    /** The single-valued properties present, in identifier order. */
    public Map<Property, Object> values() {
        return values;
    }

    public Object get(Property p) {
        Object v = values.get(p);
        return v instanceof byte[] bytes ? bytes.clone() : v;
    }

    public List<UserProperty> userProperties() {
        return userProperties;
    }

    public List<Integer> subscriptionIdentifiers() {
        return subscriptionIdentifiers;
    }

    public Integer integer(Property p) {
        return (Integer) values.get(p);
    }

    public Long fourByte(Property p) {
        return (Long) values.get(p);
    }

    public String string(Property p) {
        return (String) values.get(p);
    }

    public byte[] binary(Property p) {
        byte[] v = (byte[]) values.get(p);
        return v == null ? null : v.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Properties other)) {
            return false;
        }
        if (!userProperties.equals(other.userProperties)
                || !subscriptionIdentifiers.equals(other.subscriptionIdentifiers)
                || !values.keySet().equals(other.values.keySet())) {
            return false;
        }
        for (Map.Entry<Property, Object> e : values.entrySet()) {
            if (!Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {other.values.get(e.getKey())})) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = userProperties.hashCode() * 31 + subscriptionIdentifiers.hashCode();
        for (Map.Entry<Property, Object> e : values.entrySet()) {
            h += e.getKey().hashCode() ^ Arrays.deepHashCode(new Object[] {e.getValue()});
        }
        return h;
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "{}";
        }
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> sb.append(k).append('=')
                .append(v instanceof byte[] b ? b.length + " bytes" : v).append(", "));
        if (!subscriptionIdentifiers.isEmpty()) {
            sb.append("SUBSCRIPTION_IDENTIFIER=").append(subscriptionIdentifiers).append(", ");
        }
        if (!userProperties.isEmpty()) {
            sb.append("USER_PROPERTY=").append(userProperties).append(", ");
        }
        sb.setLength(sb.length() - 2);
        return sb.append('}').toString();
    }

    /** Collects properties; {@link #build()} makes the immutable set. */
    public static final class Builder {
        private final EnumMap<Property, Object> values = new EnumMap<>(Property.class);
        private final List<UserProperty> userProperties = new ArrayList<>();
        private final List<Integer> subscriptionIdentifiers = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets a single-valued property; the value's Java type must match the wire type
         * (Integer for BYTE, TWO_BYTE; Long for FOUR_BYTE; String for UTF8; byte[] for BINARY).
         */
        public Builder put(Property p, Object value) {
            if (p == Property.USER_PROPERTY || p == Property.SUBSCRIPTION_IDENTIFIER) {
                throw new IllegalArgumentException(p + " is repeatable; use its own adder");
            }
            Class<?> expected = switch (p.wireType()) {
                case BYTE, TWO_BYTE, VARINT -> Integer.class;
                case FOUR_BYTE -> Long.class;
                case UTF8 -> String.class;
                case BINARY -> byte[].class;
                case UTF8_PAIR -> UserProperty.class;
            };
            if (!expected.isInstance(value)) {
                throw new IllegalArgumentException(p + " takes " + expected.getSimpleName());
            }
            values.put(p, value instanceof byte[] b ? b.clone() : value);
            return this;
        }

        public boolean has(Property p) {
            return values.containsKey(p);
        }

        public Builder remove(Property p) {
            values.remove(p);
            return this;
        }

        public Builder userProperty(String name, String value) {
            userProperties.add(new UserProperty(name, value));
            return this;
        }

        public Builder subscriptionIdentifier(int id) {
            subscriptionIdentifiers.add(id);
            return this;
        }

        public Properties build() {
            if (values.isEmpty() && userProperties.isEmpty() && subscriptionIdentifiers.isEmpty()) {
                return EMPTY;
            }
            return new Properties(new EnumMap<>(values), userProperties, subscriptionIdentifiers);
        }
    }
}
