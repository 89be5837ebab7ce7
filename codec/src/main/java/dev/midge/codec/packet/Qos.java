package dev.midge.codec.packet;

/** Quality of service levels. */
public enum Qos {
    AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE;

    private static final Qos[] VALUES = values();

    public int value() {
        return ordinal();
    }

    /** The level for a wire value 0..2; callers validate the range first. */
    public static Qos of(int value) {
        return VALUES[value];
    }

    public static Qos min(Qos a, Qos b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    public static Qos max(Qos a, Qos b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
