package io.github.coldstartlab.runtime;

import java.lang.reflect.Array;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Calendar;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Pojo converts between parsed JSON values and typed Java objects, following
 * the Jackson configuration of AWS's aws-lambda-java-serialization: unknown
 * properties ignored, null properties left out of the output, scalars
 * coerced, a single value accepted where an array is expected, bean
 * properties from public getters/setters and public fields.
 */
final class Pojo {
    private Pojo() {}

    // ---- JSON value -> Java object ----

    /** Converts a parsed JSON value to type t. */
    static Object read(Object j, Type t) throws Exception {
        return read(j, t, 0);
    }

    private static Object read(Object j, Type t, int depth) throws Exception {
        if (depth > 1000) {
            throw new IllegalArgumentException("nesting too deep");
        }
        Class<?> c = Types.raw(t);
        if (c == Object.class) {
            return j;
        }
        if (j instanceof List && ((List<?>) j).size() == 1 && !c.isArray() && !Collection.class.isAssignableFrom(c)
                && c != Iterable.class) {
            j = ((List<?>) j).get(0); // UNWRAP_SINGLE_VALUE_ARRAYS
        }
        if (c.isPrimitive()) {
            return primitive(j, c);
        }
        if (j == null) {
            return c == Optional.class ? Optional.empty() : null;
        }
        if (c == String.class || c == CharSequence.class) {
            if (j instanceof Map || j instanceof List) {
                throw mismatch(c, j);
            }
            return j.toString();
        }
        if (Number.class.isAssignableFrom(c) || c == Boolean.class || c == Character.class) {
            return scalar(j, c);
        }
        if (c.isEnum()) {
            return enumValue(j, c);
        }
        if (c == byte[].class && j instanceof String) {
            return Base64.getDecoder().decode((String) j);
        }
        if (c == char[].class && j instanceof String) {
            return ((String) j).toCharArray();
        }
        if (c.isArray()) {
            List<?> l = asList(j);
            Type comp = t instanceof Class ? c.getComponentType()
                    : ((java.lang.reflect.GenericArrayType) t).getGenericComponentType();
            Object a = Array.newInstance(c.getComponentType(), l.size());
            for (int k = 0; k < l.size(); k++) {
                Array.set(a, k, read(l.get(k), comp, depth + 1));
            }
            return a;
        }
        if (Collection.class.isAssignableFrom(c) || c == Iterable.class) {
            Type elem = Types.arg(Types.find(t, c == Iterable.class ? Iterable.class : Collection.class), 0);
            @SuppressWarnings("unchecked")
            Collection<Object> out = (Collection<Object>) newCollection(c, elem);
            for (Object e : asList(j)) {
                out.add(read(e, elem, depth + 1));
            }
            return out;
        }
        if (Map.class.isAssignableFrom(c)) {
            if (!(j instanceof Map)) {
                if ("".equals(j) || (j instanceof List && ((List<?>) j).isEmpty())) {
                    return null;
                }
                throw mismatch(c, j);
            }
            Type[] kv = Types.find(t, Map.class);
            Type kt = Types.arg(kv, 0);
            Type vt = Types.arg(kv, 1);
            @SuppressWarnings("unchecked")
            Map<Object, Object> out = (Map<Object, Object>) newMap(c);
            for (Map.Entry<?, ?> e : ((Map<?, ?>) j).entrySet()) {
                Object k = Types.raw(kt) == Object.class ? e.getKey() : read(e.getKey(), kt, depth + 1);
                out.put(k, read(e.getValue(), vt, depth + 1));
            }
            return out;
        }
        if (c == Optional.class) {
            Type[] a = Types.find(t, Optional.class);
            return Optional.ofNullable(read(j, Types.arg(a, 0), depth + 1));
        }
        if (c == Date.class && j instanceof Number) {
            return new Date(((Number) j).longValue());
        }
        if (j instanceof String && c.getName().startsWith("java.time.")) {
            return c.getMethod("parse", CharSequence.class).invoke(null, j); // ISO-8601, as JavaTimeModule reads it
        }
        if (!(j instanceof Map)) {
            if ("".equals(j) || (j instanceof List && ((List<?>) j).isEmpty())) {
                return null; // ACCEPT_EMPTY_STRING_AS_NULL_OBJECT, ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT
            }
            throw mismatch(c, j);
        }
        Beans.Bean bean = Beans.bean(c);
        if (bean.ctor == null) {
            throw new IllegalArgumentException(Text.cat("Cannot construct instance of `", c.getName(),
                    "` (no Creators, like default constructor, exist)"));
        }
        Object o = bean.ctor.newInstance();
        Map<TypeVariable<?>, Type> vars = null;
        for (Map.Entry<?, ?> e : ((Map<?, ?>) j).entrySet()) {
            Beans.Prop p = bean.writable(String.valueOf(e.getKey()));
            if (p == null) {
                continue; // FAIL_ON_UNKNOWN_PROPERTIES is off
            }
            Type pt = p.type;
            if (!(pt instanceof Class)) {
                if (vars == null) {
                    vars = Types.bindings(t);
                }
                pt = Types.resolve(pt, vars);
            }
            p.set(o, read(e.getValue(), pt, depth + 1));
        }
        return o;
    }

    private static IllegalArgumentException mismatch(Class<?> c, Object j) {
        String what = j instanceof Map ? "Object value (token `JsonToken.START_OBJECT`)"
                : j instanceof List ? "Array value (token `JsonToken.START_ARRAY`)"
                : j instanceof String ? Text.cat("String value ('", (String) j, "')")
                : Text.cat(j.getClass().getSimpleName(), " value (", String.valueOf(j), ")");
        return new IllegalArgumentException(Text.cat("Cannot deserialize value of type `", c.getName(), "` from ", what));
    }

    private static List<?> asList(Object j) {
        if (j instanceof List) {
            return (List<?>) j;
        }
        List<Object> l = new ArrayList<>(1); // ACCEPT_SINGLE_VALUE_AS_ARRAY
        l.add(j);
        return l;
    }

    private static Object primitive(Object j, Class<?> c) {
        if (j == null) {
            if (c == boolean.class) {
                return Boolean.FALSE;
            }
            if (c == char.class) {
                return Character.valueOf('\0');
            }
            j = Integer.valueOf(0);
        }
        if (c == boolean.class) {
            return scalar(j, Boolean.class);
        }
        if (c == char.class) {
            return scalar(j, Character.class);
        }
        if (c == int.class) {
            return scalar(j, Integer.class);
        }
        if (c == long.class) {
            return scalar(j, Long.class);
        }
        if (c == double.class) {
            return scalar(j, Double.class);
        }
        if (c == float.class) {
            return scalar(j, Float.class);
        }
        if (c == short.class) {
            return scalar(j, Short.class);
        }
        return scalar(j, Byte.class);
    }

    private static Object scalar(Object j, Class<?> c) {
        if (c == Boolean.class) {
            if (j instanceof Boolean) {
                return j;
            }
            if ("true".equals(j) || "false".equals(j)) {
                return Boolean.valueOf((String) j);
            }
            if (j instanceof Integer) {
                return Boolean.valueOf(((Integer) j).intValue() != 0);
            }
            throw mismatch(c, j);
        }
        if (c == Character.class) {
            if (j instanceof String && ((String) j).length() == 1) {
                return Character.valueOf(((String) j).charAt(0));
            }
            if (j instanceof Integer) {
                return Character.valueOf((char) ((Integer) j).intValue());
            }
            throw mismatch(c, j);
        }
        Number n;
        if (j instanceof Number) {
            n = (Number) j;
        } else if (j instanceof String) {
            String s = ((String) j).trim();
            if (s.isEmpty()) {
                return null;
            }
            try {
                n = new BigDecimal(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(Text.cat("Cannot deserialize value of type `", c.getName(),
                        "` from String \"", s, "\": not a valid representation"));
            }
        } else {
            throw mismatch(c, j);
        }
        if (c == Integer.class) {
            return Integer.valueOf(n.intValue());
        }
        if (c == Long.class) {
            return Long.valueOf(n.longValue());
        }
        if (c == Double.class) {
            return Double.valueOf(n.doubleValue());
        }
        if (c == Float.class) {
            return Float.valueOf(n.floatValue());
        }
        if (c == Short.class) {
            return Short.valueOf(n.shortValue());
        }
        if (c == Byte.class) {
            return Byte.valueOf(n.byteValue());
        }
        if (c == BigDecimal.class) {
            return n instanceof BigDecimal ? n : new BigDecimal(n.toString());
        }
        if (c == BigInteger.class) {
            return n instanceof BigInteger ? n : new BigDecimal(n.toString()).toBigInteger();
        }
        return n; // Number itself
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Object j, Class<?> c) {
        if (j instanceof Integer) {
            Object[] all = c.getEnumConstants();
            int k = ((Integer) j).intValue();
            return k >= 0 && k < all.length ? all[k] : null;
        }
        try {
            return Enum.valueOf((Class) c, j.toString());
        } catch (IllegalArgumentException e) {
            return null; // READ_UNKNOWN_ENUM_VALUES_AS_NULL
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object newCollection(Class<?> c, Type elem) throws Exception {
        if (!c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
            return c.getDeclaredConstructor().newInstance();
        }
        if (EnumSet.class.isAssignableFrom(c)) {
            return EnumSet.noneOf((Class) Types.raw(elem));
        }
        if (SortedSet.class.isAssignableFrom(c)) {
            return new TreeSet<Object>();
        }
        if (Set.class.isAssignableFrom(c)) {
            return new HashSet<Object>();
        }
        if (Queue.class.isAssignableFrom(c)) {
            return new ArrayDeque<Object>();
        }
        return new ArrayList<Object>();
    }

    private static Object newMap(Class<?> c) throws Exception {
        if (!c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
            return c.getDeclaredConstructor().newInstance();
        }
        if (SortedMap.class.isAssignableFrom(c)) {
            return new TreeMap<Object, Object>();
        }
        if (ConcurrentMap.class.isAssignableFrom(c)) {
            return new ConcurrentHashMap<Object, Object>();
        }
        return new LinkedHashMap<Object, Object>();
    }

    // ---- Java object -> JSON text ----

    /** Appends v as JSON. */
    static void write(Object v, StringBuilder b) throws Exception {
        write(v, b, 0);
    }

    private static void write(Object v, StringBuilder b, int depth) throws Exception {
        if (depth > 1000) {
            throw new IllegalArgumentException("Direct self-reference or nesting too deep");
        }
        if (v == null) {
            b.append("null");
        } else if (v instanceof String) {
            Json.quote((String) v, b);
        } else if (v instanceof Boolean) {
            b.append(((Boolean) v).booleanValue() ? "true" : "false");
        } else if (Json.integral(v)) {
            b.append(v.toString());
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            Json.decimal((Number) v, b);
        } else if (v instanceof Number) {
            b.append(v.toString());
        } else if (v instanceof Character || v instanceof CharSequence || v instanceof Enum) {
            Json.quote(v instanceof Enum ? ((Enum<?>) v).name() : v.toString(), b);
        } else if (v instanceof Map) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                Object k = e.getKey();
                Json.quote(k instanceof Enum ? ((Enum<?>) k).name() : String.valueOf(k), b);
                b.append(':');
                write(e.getValue(), b, depth + 1);
            }
            b.append('}');
        } else if (v instanceof Collection) {
            b.append('[');
            boolean first = true;
            for (Object e : (Collection<?>) v) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(e, b, depth + 1);
            }
            b.append(']');
        } else if (v instanceof byte[]) {
            b.append('"').append(Base64.getEncoder().encodeToString((byte[]) v)).append('"');
        } else if (v instanceof char[]) {
            Json.quote(new String((char[]) v), b);
        } else if (v.getClass().isArray()) {
            b.append('[');
            int n = Array.getLength(v);
            for (int k = 0; k < n; k++) {
                if (k > 0) {
                    b.append(',');
                }
                write(Array.get(v, k), b, depth + 1);
            }
            b.append(']');
        } else if (v instanceof Date) {
            b.append(((Date) v).getTime());
        } else if (v instanceof Calendar) {
            b.append(((Calendar) v).getTimeInMillis());
        } else if (v.getClass().getName().startsWith("java.time.")) {
            Json.quote(v.toString(), b); // ISO-8601 (JavaTimeModule writes numbers/arrays by default)
        } else if (v instanceof Optional) {
            write(((Optional<?>) v).orElse(null), b, depth + 1);
        } else if (v instanceof Iterator) {
            b.append('[');
            boolean first = true;
            for (Iterator<?> it = (Iterator<?>) v; it.hasNext(); ) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(it.next(), b, depth + 1);
            }
            b.append(']');
        } else {
            b.append('{');
            boolean first = true;
            for (Beans.Prop p : Beans.bean(v.getClass()).readable) {
                Object pv = p.get(v);
                if (pv == null) {
                    continue; // Include.NON_NULL
                }
                if (pv == v) {
                    throw new IllegalArgumentException(Text.cat("Direct self-reference leading to cycle (through reference chain: ",
                            v.getClass().getName(), "[\"", p.name, "\"])"));
                }
                if (!first) {
                    b.append(',');
                }
                first = false;
                Json.quote(p.name, b);
                b.append(':');
                write(pv, b, depth + 1);
            }
            b.append('}');
        }
    }
}
