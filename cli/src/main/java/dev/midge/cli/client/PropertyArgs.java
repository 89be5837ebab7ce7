package dev.midge.cli.client;

import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code -D command identifier value} options (MQTT 5 properties by name), grouped by the
 * packet they go on: connect, publish, subscribe, unsubscribe, disconnect, will.
 */
public final class PropertyArgs {
    public enum Command { CONNECT, PUBLISH, SUBSCRIBE, UNSUBSCRIBE, DISCONNECT, WILL }

    private final Map<Command, Properties.Builder> byCommand = new EnumMap<>(Command.class);

    /** Parses the flattened -D words: command, identifier, value (and a second value for user-property). */
    public static PropertyArgs parse(List<String> words, boolean v5) throws ToolError {
        PropertyArgs args = new PropertyArgs();
        if (words == null || words.isEmpty()) {
            return args;
        }
        if (!v5) {
            throw ToolError.usage("Error: You must use MQTT v5 (-V mqttv5) to use -D / --property.");
        }
        for (int i = 0; i < words.size(); ) {
            if (i + 2 >= words.size()) {
                throw ToolError.usage("Error: --property argument given but not enough arguments specified.");
            }
            Command command;
            try {
                command = Command.valueOf(words.get(i).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ToolError.usage("Error: Invalid command " + words.get(i) + " given in --property argument.");
            }
            String name = words.get(i + 1);
            Property p;
            try {
                p = Property.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw ToolError.usage("Error: Invalid property name " + name + " given in --property argument.");
            }
            Properties.Builder b = args.byCommand.computeIfAbsent(command, c -> Properties.builder());
            if (p == Property.USER_PROPERTY) {
                if (i + 3 >= words.size()) {
                    throw ToolError.usage("Error: --property argument given but not enough arguments specified.");
                }
                b.userProperty(words.get(i + 2), words.get(i + 3));
                i += 4;
                continue;
            }
            b.put(p, value(p, words.get(i + 2)));
            i += 3;
        }
        return args;
    }

    private static Object value(Property p, String text) throws ToolError {
        try {
            return switch (p.wireType()) {
                case BYTE, TWO_BYTE, VARINT -> Integer.parseInt(text);
                case FOUR_BYTE -> Long.parseLong(text);
                case UTF8 -> text;
                case BINARY -> text.getBytes(StandardCharsets.UTF_8);
                case UTF8_PAIR -> throw new IllegalStateException();
            };
        } catch (NumberFormatException e) {
            throw ToolError.usage("Error: Invalid property value " + text + " given in --property argument.");
        }
    }

    public Properties of(Command command) {
        Properties.Builder b = byCommand.get(command);
        return b == null ? Properties.EMPTY : b.build();
    }
}
