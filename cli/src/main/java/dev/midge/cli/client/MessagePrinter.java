package dev.midge.cli.client;

import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.UserProperty;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How mosquitto_sub prints a message: the payload (with -v, the topic first; an empty payload is
 * "(null)"), or the -F format with its % fields, @ time fields and \ escapes. Output is bytes:
 * payloads are written as received.
 */
public final class MessagePrinter {
    private final String format;
    private final boolean verbose;
    private final boolean eol;
    private final boolean pretty;
    private final PrintStream out;
    private final PrintStream err;

    public MessagePrinter(String format, boolean verbose, boolean eol, boolean pretty, PrintStream out,
                          PrintStream err) {
        this.format = format;
        this.verbose = verbose;
        this.eol = eol;
        this.pretty = pretty;
        this.out = out;
        this.err = err;
    }

    public void print(Publish p) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (format != null) {
            formatted(b, p, Instant.now());
            if (eol) {
                b.write('\n');
            }
        } else if (verbose) {
            b.writeBytes(p.topic().getBytes(StandardCharsets.UTF_8));
            if (p.payload().length > 0) {
                b.write(' ');
                b.writeBytes(p.payload());
            } else {
                b.writeBytes(" (null)".getBytes(StandardCharsets.US_ASCII));
            }
            if (eol) {
                b.write('\n');
            }
        } else if (p.payload().length > 0) {
            b.writeBytes(p.payload());
            if (eol) {
                b.write('\n');
            }
        }
        synchronized (out) {
            out.writeBytes(b.toByteArray());
            out.flush();
        }
    }

    private void formatted(ByteArrayOutputStream b, Publish p, Instant now) {
        ZonedDateTime local = now.atZone(ZoneId.systemDefault());
        String f = format;
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c == '%' && i + 1 < f.length()) {
                // %[-][0][width][.precision]X
                int j = i + 1;
                boolean left = false;
                boolean zero = false;
                while (j < f.length() && (f.charAt(j) == '-' || f.charAt(j) == '0')) {
                    left |= f.charAt(j) == '-';
                    zero |= f.charAt(j) == '0';
                    j++;
                }
                int width = 0;
                while (j < f.length() && Character.isDigit(f.charAt(j))) {
                    width = width * 10 + f.charAt(j++) - '0';
                }
                int precision = -1;
                if (j < f.length() && f.charAt(j) == '.') {
                    precision = 0;
                    j++;
                    while (j < f.length() && Character.isDigit(f.charAt(j))) {
                        precision = precision * 10 + f.charAt(j++) - '0';
                    }
                }
                if (j >= f.length()) {
                    b.write('%');
                    continue;
                }
                byte[] field = field(f.charAt(j), p, now, local);
                i = j;
                if (field == null) {
                    continue;
                }
                char k = f.charAt(j);
                // as mosquitto_sub: width for these fields only, precision truncates only strings
                if ("tmxXpCREFlAS".indexOf(k) < 0) {
                    width = 0;
                }
                if ("tCR".indexOf(k) < 0) {
                    precision = -1;
                }
                pad(b, field, left, zero && !left, width, precision, "lmEFAS".indexOf(k) >= 0);
            } else if (c == '@' && i + 1 < f.length()) {
                char t = f.charAt(++i);
                b.writeBytes(time(t, local, now).getBytes(StandardCharsets.UTF_8));
            } else if (c == '\\' && i + 1 < f.length()) {
                char e = f.charAt(++i);
                switch (e) {
                    case '\\' -> b.write('\\');
                    case '0' -> b.write(0);
                    case 'a' -> b.write(7);
                    case 'e' -> b.write(27);
                    case 'n' -> b.write('\n');
                    case 'r' -> b.write('\r');
                    case 't' -> b.write('\t');
                    case 'v' -> b.write(11);
                    default -> {
                        b.write('\\');
                        b.write(e);
                    }
                }
            } else {
                b.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void pad(ByteArrayOutputStream b, byte[] field, boolean left, boolean zero, int width,
                            int precision, boolean numeric) {
        byte[] v = field;
        if (precision >= 0 && !numeric && v.length > precision) {
            v = java.util.Arrays.copyOf(v, precision);
        }
        int fill = Math.max(0, width - v.length);
        if (!left) {
            for (int k = 0; k < fill; k++) {
                b.write(zero && numeric ? '0' : ' ');
            }
        }
        b.writeBytes(v);
        if (left) {
            for (int k = 0; k < fill; k++) {
                b.write(' ');
            }
        }
    }

    /** One % field, or null for an unknown letter (printed as nothing, as mosquitto does). */
    private byte[] field(char c, Publish p, Instant now, ZonedDateTime local) {
        var props = p.properties();
        return switch (c) {
            case '%' -> ascii("%");
            case 'A' -> optional(props.integer(Property.TOPIC_ALIAS));
            case 'C' -> optional(props.string(Property.CONTENT_TYPE));
            case 'D' -> props.binary(Property.CORRELATION_DATA) == null ? new byte[0]
                    : props.binary(Property.CORRELATION_DATA);
            case 'E' -> optional(props.fourByte(Property.MESSAGE_EXPIRY_INTERVAL));
            case 'F' -> optional(props.integer(Property.PAYLOAD_FORMAT_INDICATOR));
            case 'I' -> ascii(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx", Locale.ROOT).format(local));
            case 'j' -> json(p, now, true);
            case 'J' -> json(p, now, false);
            case 'l' -> ascii(Integer.toString(p.payload().length));
            case 'm' -> ascii(Integer.toString(p.packetId()));
            case 'P' -> userProperties(p);
            case 'p' -> p.payload();
            case 'q' -> ascii(Integer.toString(p.qos().value()));
            case 'R' -> optional(props.string(Property.RESPONSE_TOPIC));
            case 'r' -> ascii(p.retain() ? "1" : "0");
            case 'S' -> ascii(props.subscriptionIdentifiers().isEmpty() ? ""
                    : props.subscriptionIdentifiers().get(0).toString());
            case 't' -> p.topic().getBytes(StandardCharsets.UTF_8);
            case 'U' -> ascii(now.getEpochSecond() + "." + String.format("%09d", now.getNano()));
            case 'x' -> ascii(hex(p.payload(), false));
            case 'X' -> ascii(hex(p.payload(), true));
            default -> null;
        };
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] optional(Object v) {
        return v == null ? new byte[0] : ascii(v.toString());
    }

    private static String hex(byte[] payload, boolean upper) {
        StringBuilder s = new StringBuilder(payload.length * 2);
        for (byte x : payload) {
            s.append(String.format(upper ? "%02X" : "%02x", x & 0xff));
        }
        return s.toString();
    }

    private static byte[] userProperties(Publish p) {
        StringBuilder s = new StringBuilder();
        for (UserProperty u : p.properties().userProperties()) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(u.name()).append(':').append(u.value());
        }
        return ascii(s.toString());
    }

    /** %j (payload as a JSON string) and %J (payload as JSON), with cJSON's layout. */
    private byte[] json(Publish p, Instant now, boolean escaped) {
        ZonedDateTime local = now.atZone(ZoneId.systemDefault());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("tst", DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT).format(local)
                + String.format(".%06dZ", now.getNano() / 1000)
                + DateTimeFormatter.ofPattern("xx", Locale.ROOT).format(local));
        root.put("topic", p.topic());
        root.put("qos", p.qos().value());
        root.put("retain", p.retain() ? 1 : 0);
        root.put("payloadlen", p.payload().length);
        if (p.qos().value() > 0) {
            root.put("mid", p.packetId());
        }
        Map<String, Object> props = jsonProperties(p);
        if (!props.isEmpty()) {
            root.put("properties", props);
        }
        if (p.payload().length == 0) {
            root.put("payload", CJson.NULL);
        } else if (escaped) {
            root.put("payload", p.payload());
        } else {
            Object payload = CJson.parse(p.payload());
            if (payload == null) {
                err.println("Error: Message payload is not valid JSON on topic " + p.topic() + ".");
                return new byte[0];
            }
            root.put("payload", payload);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CJson.print(b, root, pretty);
        return b.toByteArray();
    }

    private static Map<String, Object> jsonProperties(Publish p) {
        var props = p.properties();
        Map<String, Object> m = new LinkedHashMap<>();
        putIfPresent(m, "payload-format-indicator", props.integer(Property.PAYLOAD_FORMAT_INDICATOR));
        putIfPresent(m, "message-expiry-interval", props.fourByte(Property.MESSAGE_EXPIRY_INTERVAL));
        putIfPresent(m, "content-type", props.string(Property.CONTENT_TYPE));
        putIfPresent(m, "response-topic", props.string(Property.RESPONSE_TOPIC));
        putIfPresent(m, "correlation-data", props.binary(Property.CORRELATION_DATA));
        if (!props.subscriptionIdentifiers().isEmpty()) {
            m.put("subscription-identifier", props.subscriptionIdentifiers().get(0));
        }
        putIfPresent(m, "topic-alias", props.integer(Property.TOPIC_ALIAS));
        if (!props.userProperties().isEmpty()) {
            Map<String, Object> users = new LinkedHashMap<>();
            for (UserProperty u : props.userProperties()) {
                users.put(u.name(), u.value());
            }
            m.put("user-properties", users);
        }
        return m;
    }

    private static void putIfPresent(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /** mosquitto's @ fields: strftime conversions. */
    private static String time(char t, ZonedDateTime d, Instant now) {
        switch (t) {
            case '@':
                return "@";
            case 's':
                return Long.toString(now.getEpochSecond());
            case 'N':
                return String.format("%09d", now.getNano());
            default:
                break;
        }
        String pattern = switch (t) {
            case 'Y' -> "yyyy";
            case 'y' -> "yy";
            case 'm' -> "MM";
            case 'd' -> "dd";
            case 'e' -> "ppd";
            case 'H' -> "HH";
            case 'I' -> "hh";
            case 'M' -> "mm";
            case 'S' -> "ss";
            case 'j' -> "DDD";
            case 'b', 'h' -> "MMM";
            case 'B' -> "MMMM";
            case 'a' -> "EEE";
            case 'A' -> "EEEE";
            case 'p' -> "a";
            case 'z' -> "xx";
            case 'Z' -> "zzz";
            case 'F' -> "yyyy-MM-dd";
            case 'T' -> "HH:mm:ss";
            case 'D' -> "MM/dd/yy";
            case 'R' -> "HH:mm";
            default -> "";
        };
        return pattern.isEmpty() ? "" : DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(d);
    }
}
