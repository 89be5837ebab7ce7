package dev.midge.cli.client;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON the way cJSON (which mosquitto_sub uses for %j and %J) reads and writes it: numbers are
 * doubles printed as integers when they fit an int, else with 15 (or 17) significant digits;
 * strings escape only quotes, backslashes and control characters; the pretty form puts each
 * object member on its own line indented with tabs and keeps arrays on one line.
 */
public final class CJson {
    /** JSON null (a Java null means "absent"). */
    public static final Object NULL = new Object();

    private final byte[] in;
    private int pos;

    private CJson(byte[] in) {
        this.in = in;
    }

    /** Parses a JSON document; null when it is not valid JSON. */
    public static Object parse(byte[] json) {
        CJson p = new CJson(json);
        try {
            p.skipSpace();
            Object v = p.value(0);
            p.skipSpace();
            return p.pos == p.in.length ? v : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void skipSpace() {
        while (pos < in.length && (in[pos] & 0xff) <= 32) {
            pos++;
        }
    }

    private Object value(int depth) {
        if (depth > 1000) {
            throw new IllegalArgumentException("too deep");
        }
        byte c = in[pos];
        switch (c) {
            case '{' -> {
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                skipSpace();
                if (in[pos] == '}') {
                    pos++;
                    return m;
                }
                while (true) {
                    skipSpace();
                    String k = string();
                    skipSpace();
                    expect(':');
                    skipSpace();
                    m.putIfAbsent(k, value(depth + 1));
                    skipSpace();
                    if (in[pos] == ',') {
                        pos++;
                    } else {
                        expect('}');
                        return m;
                    }
                }
            }
            case '[' -> {
                pos++;
                List<Object> l = new ArrayList<>();
                skipSpace();
                if (in[pos] == ']') {
                    pos++;
                    return l;
                }
                while (true) {
                    skipSpace();
                    l.add(value(depth + 1));
                    skipSpace();
                    if (in[pos] == ',') {
                        pos++;
                    } else {
                        expect(']');
                        return l;
                    }
                }
            }
            case '"' -> {
                return string();
            }
            default -> {
                if (match("true")) {
                    return Boolean.TRUE;
                }
                if (match("false")) {
                    return Boolean.FALSE;
                }
                if (match("null")) {
                    return NULL;
                }
                return number();
            }
        }
    }

    private boolean match(String word) {
        byte[] w = word.getBytes(StandardCharsets.US_ASCII);
        if (pos + w.length > in.length) {
            return false;
        }
        for (int i = 0; i < w.length; i++) {
            if (in[pos + i] != w[i]) {
                return false;
            }
        }
        pos += w.length;
        return true;
    }

    private void expect(char c) {
        if (in[pos] != c) {
            throw new IllegalArgumentException("expected " + c);
        }
        pos++;
    }

    private Double number() {
        int start = pos;
        while (pos < in.length && "+-0123456789.eE".indexOf(in[pos]) >= 0) {
            pos++;
        }
        if (start == pos) {
            throw new IllegalArgumentException("not a value");
        }
        return Double.parseDouble(new String(in, start, pos - start, StandardCharsets.US_ASCII));
    }

    private String string() {
        expect('"');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            byte c = in[pos++];
            if (c == '"') {
                return out.toString(StandardCharsets.UTF_8);
            }
            if (c != '\\') {
                out.write(c);
                continue;
            }
            byte e = in[pos++];
            switch (e) {
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '"', '\\', '/' -> out.write(e);
                case 'u' -> {
                    int cp = Integer.parseInt(new String(in, pos, 4, StandardCharsets.US_ASCII), 16);
                    pos += 4;
                    if (cp >= 0xD800 && cp <= 0xDBFF && in[pos] == '\\' && in[pos + 1] == 'u') {
                        int low = Integer.parseInt(new String(in, pos + 2, 4, StandardCharsets.US_ASCII), 16);
                        pos += 6;
                        cp = Character.toCodePoint((char) cp, (char) low);
                    }
                    out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                }
                default -> throw new IllegalArgumentException("bad escape");
            }
        }
    }

    /** Writes {@code value} (Map, List, String, Number, Boolean, NULL, or byte[] as a string). */
    public static void print(ByteArrayOutputStream out, Object value, boolean pretty) {
        print(out, value, pretty, 0);
    }

    private static void print(ByteArrayOutputStream out, Object v, boolean pretty, int depth) {
        if (v instanceof Map<?, ?> m) {
            out.write('{');
            if (pretty) {
                out.write('\n');
            }
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (pretty) {
                    tabs(out, depth + 1);
                }
                string(out, String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8));
                out.write(':');
                if (pretty) {
                    out.write('\t');
                }
                print(out, e.getValue(), pretty, depth + 1);
                if (++i < m.size()) {
                    out.write(',');
                }
                if (pretty) {
                    out.write('\n');
                }
            }
            if (pretty) {
                tabs(out, depth);
            }
            out.write('}');
        } else if (v instanceof List<?> l) {
            out.write('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.write(',');
                    if (pretty) {
                        out.write(' ');
                    }
                }
                print(out, l.get(i), pretty, depth + 1);
            }
            out.write(']');
        } else if (v instanceof String s) {
            string(out, s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof byte[] b) {
            string(out, b);
        } else if (v instanceof Number n) {
            out.writeBytes(number(n.doubleValue()).getBytes(StandardCharsets.US_ASCII));
        } else if (v instanceof Boolean b) {
            out.writeBytes((b ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
        } else {
            out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void tabs(ByteArrayOutputStream out, int n) {
        for (int i = 0; i < n; i++) {
            out.write('\t');
        }
    }

    private static void string(ByteArrayOutputStream out, byte[] s) {
        out.write('"');
        for (byte b : s) {
            int c = b & 0xff;
            switch (c) {
                case '"' -> out.writeBytes(new byte[] {'\\', '"'});
                case '\\' -> out.writeBytes(new byte[] {'\\', '\\'});
                case '\b' -> out.writeBytes(new byte[] {'\\', 'b'});
                case '\f' -> out.writeBytes(new byte[] {'\\', 'f'});
                case '\n' -> out.writeBytes(new byte[] {'\\', 'n'});
                case '\r' -> out.writeBytes(new byte[] {'\\', 'r'});
                case '\t' -> out.writeBytes(new byte[] {'\\', 't'});
                default -> {
                    if (c < 32) {
                        out.writeBytes(String.format("\\u%04x", c).getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        out.write('"');
    }

    /** cJSON's print_number. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        int asInt = d >= Integer.MAX_VALUE ? Integer.MAX_VALUE : d <= Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) d;
        if (d == asInt) {
            return Integer.toString(asInt);
        }
        String g = cG(d, 15);
        return Double.parseDouble(g) == d ? g : cG(d, 17);
    }

    /** C's %1.{precision}g. */
    static String cG(double d, int precision) {
        if (d == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(d).round(new MathContext(precision));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            BigDecimal mantissa = rounded.movePointLeft(exponent);
            String m = strip(mantissa.toPlainString());
            return m + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        return strip(rounded.toPlainString());
    }

    private static String strip(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
