package io.github.coldstartlab.runtime;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Json parses JSON text into plain Java values the way Jackson's untyped
 * reader does (LinkedHashMap, ArrayList, String, Boolean, null, Integer, Long,
 * BigInteger, Double), as leniently as AWS's serializer configures it (single
 * quotes, unquoted field names, NaN/Infinity, leading zeros, raw control
 * characters, any character escaped), and quotes strings for Pojo's writer.
 */
final class Json {
    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /** Parses one JSON document; blank input is null. */
    static Object parse(String text) {
        Json p = new Json(text);
        p.ws();
        if (p.i == text.length()) {
            return null;
        }
        Object v = p.value(0);
        p.ws();
        if (p.i != text.length()) {
            throw p.error("unexpected trailing content");
        }
        return v;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(Text.cat("invalid JSON: ", what, " at character ", String.valueOf(i)));
    }

    private void ws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }

    private Object value(int depth) {
        if (depth > 1000) {
            throw error("nesting too deep");
        }
        if (i >= s.length()) {
            throw error("unexpected end of input");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
            case '\'':
                return string();
            case 'N':
                return literal("NaN", Double.valueOf(Double.NaN));
            case 'I':
                return literal("Infinity", Double.valueOf(Double.POSITIVE_INFINITY));
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (s.startsWith("-Infinity", i) || s.startsWith("+Infinity", i)) {
                    i += 9;
                    return Double.valueOf(c == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
                }
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error(Text.cat("unexpected character '", String.valueOf(c), "'"));
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) {
            throw error("unrecognised token");
        }
        i += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (i < s.length() && s.charAt(i) == '}') {
            i++;
            return m;
        }
        while (true) {
            ws();
            if (i >= s.length()) {
                throw error("expected a field name");
            }
            String k;
            char q = s.charAt(i);
            if (q == '"' || q == '\'') {
                k = string();
            } else {
                int start = i;
                while (i < s.length() && (Character.isJavaIdentifierPart(s.charAt(i)))) {
                    i++;
                }
                if (i == start) {
                    throw error("expected a field name");
                }
                k = s.substring(start, i);
            }
            ws();
            if (i >= s.length() || s.charAt(i) != ':') {
                throw error("expected ':'");
            }
            i++;
            ws();
            m.put(k, value(depth + 1));
            ws();
            if (i >= s.length()) {
                throw error("unexpected end of input");
            }
            char c = s.charAt(i++);
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (i < s.length() && s.charAt(i) == ']') {
            i++;
            return l;
        }
        while (true) {
            ws();
            l.add(value(depth + 1));
            ws();
            if (i >= s.length()) {
                throw error("unexpected end of input");
            }
            char c = s.charAt(i++);
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        char quote = s.charAt(i++);
        StringBuilder b = null;
        int start = i;
        while (true) {
            if (i >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(i);
            if (c == quote) {
                String out = b == null ? s.substring(start, i) : b.append(s, start, i).toString();
                i++;
                return out;
            }
            if (c == '\\') {
                if (b == null) {
                    b = new StringBuilder();
                }
                b.append(s, start, i);
                i++;
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"': b.append('"'); break;
                    case '\\': b.append('\\'); break;
                    case '/': b.append('/'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'n': b.append('\n'); break;
                    case 'r': b.append('\r'); break;
                    case 't': b.append('\t'); break;
                    case 'u':
                        if (i + 4 > s.length()) {
                            throw error("bad \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                        break;
                    default:
                        b.append(e); // ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER
                }
                start = i;
                continue;
            }
            i++; // ALLOW_UNESCAPED_CONTROL_CHARS
        }
    }

    private Object number() {
        int start = i;
        boolean integral = true;
        if (s.charAt(i) == '-') {
            i++;
        }
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                i++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                i++;
            } else {
                break;
            }
        }
        String n = s.substring(start, i);
        try {
            if (integral) {
                if (n.length() < 10) {
                    return Integer.valueOf(Integer.parseInt(n));
                }
                long l = Long.parseLong(n);
                if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                    return Integer.valueOf((int) l);
                }
                return Long.valueOf(l);
            }
            return Double.valueOf(Double.parseDouble(n));
        } catch (NumberFormatException e) {
            if (integral && n.length() > 1) {
                try {
                    return new BigInteger(n);
                } catch (NumberFormatException ignored) {
                    // fall through
                }
            }
            throw error(Text.cat("bad number '", n, "'"));
        }
    }

    /** Appends s as a JSON string literal. */
    static void quote(String s, StringBuilder b) {
        b.append('"');
        int start = 0;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            b.append(s, start, k);
            start = k + 1;
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                case '\b': b.append("\\b"); break;
                case '\f': b.append("\\f"); break;
                default:
                    b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        b.append(s, start, s.length()).append('"');
    }

    /** Is v a number type Jackson writes as a JSON integer? */
    static boolean integral(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger;
    }

    /** Appends a Double/Float/BigDecimal as Jackson does (non-finite values quoted). */
    static void decimal(Number n, StringBuilder b) {
        if (n instanceof BigDecimal) {
            b.append(n.toString());
            return;
        }
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            b.append('"').append(n.toString()).append('"');
        } else {
            b.append(n.toString());
        }
    }
}
