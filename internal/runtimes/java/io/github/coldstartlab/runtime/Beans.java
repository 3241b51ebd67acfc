package io.github.coldstartlab.runtime;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Beans finds a class's JSON properties as the Jackson configuration of
 * AWS's aws-lambda-java-serialization does: public getters (getX, isX for
 * boolean/Boolean), setters (setX, any visibility) and public fields;
 * names by java.beans rules (USE_STD_BEAN_NAMING: "getURL" is "URL"); no
 * INFER_PROPERTY_MUTATORS, so a private field behind a getter is read-only.
 */
final class Beans {
    private Beans() {}

    private static final Map<Class<?>, Bean> beans = new HashMap<>();

    /** Prop is one bean property: how to read it and how to write it. */
    static final class Prop {
        final String name;
        Method getter;
        Method setter;
        Field field; // a public field
        Type type; // the setter's or field's generic type

        Prop(String name) {
            this.name = name;
        }

        Object get(Object o) throws Exception {
            return getter != null ? getter.invoke(o) : field.get(o);
        }

        void set(Object o, Object v) throws Exception {
            if (setter != null) {
                setter.invoke(o, v);
            } else {
                field.set(o, v);
            }
        }
    }

    /** Bean is a class's properties, in Jackson's default order. */
    static final class Bean {
        Constructor<?> ctor;
        final Map<String, Prop> writable = new HashMap<>();
        Map<String, Prop> folded; // lower-cased names, made when first needed
        final List<Prop> readable = new ArrayList<>();

        boolean event; // a class of aws-lambda-java-events

        /**
         * The property named n; for the events library's classes also one
         * whose name matches ignoring case, standing in for the mix-ins AWS's
         * serializer maps them with (SQSEvent's "Records", "eventSourceARN"…).
         */
        Prop writable(String n) {
            Prop p = writable.get(n);
            if (p != null || !event || writable.isEmpty()) {
                return p;
            }
            if (folded == null) {
                folded = new HashMap<>();
                for (Prop q : writable.values()) {
                    folded.putIfAbsent(q.name.toLowerCase(), q);
                }
            }
            return folded.get(n.toLowerCase());
        }
    }

    static synchronized Bean bean(Class<?> c) {
        Bean bean = beans.get(c);
        if (bean == null) {
            bean = introspect(c);
            beans.put(c, bean);
        }
        return bean;
    }

    private static Bean introspect(Class<?> c) {
        Bean bean = new Bean();
        bean.event = c.getName().startsWith("com.amazonaws.services.lambda.runtime.events.");
        try {
            bean.ctor = accessible(c.getDeclaredConstructor());
        } catch (Exception | LinkageError e) {
            bean.ctor = null; // AUTO_DETECT_CREATORS is off: no other constructor is used
        }
        // Jackson orders properties by field declaration (superclass first), then the rest.
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            chain.add(0, k);
        }
        Map<String, Prop> props = new LinkedHashMap<>();
        for (Class<?> k : chain) {
            for (Field f : k.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) || f.isSynthetic()) {
                    continue;
                }
                Prop p = prop(props, f.getName());
                if (Modifier.isPublic(m) && !Modifier.isTransient(m)) {
                    // ALLOW_FINAL_FIELDS_AS_MUTATORS: a public final field is written too.
                    p.field = accessible(f);
                    p.type = f.getGenericType();
                }
            }
        }
        for (Method m : c.getMethods()) {
            if (member(m) && m.getParameterCount() == 0 && m.getReturnType() != void.class) {
                String n = m.getName();
                String name = null;
                if (n.startsWith("get") && n.length() > 3) {
                    name = mangle(n.substring(3));
                } else if (n.startsWith("is") && n.length() > 2
                        && (m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class)) {
                    name = mangle(n.substring(2));
                }
                if (name != null) {
                    Prop p = prop(props, name);
                    if (p.getter == null || n.startsWith("get")) {
                        p.getter = accessible(m);
                    }
                }
            }
        }
        // Setters may have any visibility: the declared ones, subclass first, then public inherited ones.
        for (int k = chain.size() - 1; k >= 0; k--) {
            for (Method m : chain.get(k).getDeclaredMethods()) {
                setter(props, m);
            }
        }
        for (Method m : c.getMethods()) {
            setter(props, m);
        }
        for (Prop p : props.values()) {
            if (p.setter != null || p.field != null) {
                bean.writable.put(p.name, p);
            }
            if (p.getter != null || p.field != null) {
                bean.readable.add(p);
            }
        }
        return bean;
    }

    private static boolean member(Method m) {
        return !Modifier.isStatic(m.getModifiers()) && !m.isBridge() && !m.isSynthetic()
                && m.getDeclaringClass() != Object.class;
    }

    private static void setter(Map<String, Prop> props, Method m) {
        String n = m.getName();
        if (!member(m) || m.getParameterCount() != 1 || !n.startsWith("set") || n.length() <= 3) {
            return;
        }
        Prop p = prop(props, mangle(n.substring(3)));
        if (p.setter == null) {
            p.setter = accessible(m);
            p.type = m.getGenericParameterTypes()[0];
        }
    }

    /** o made accessible when its class is not public; AccessibleObject.setAccessible may refuse. */
    private static <T extends AccessibleObject> T accessible(T o) {
        try {
            o.setAccessible(true);
        } catch (RuntimeException e) {
            // a JDK class in a closed module: public members still work
        }
        return o;
    }

    private static Prop prop(Map<String, Prop> props, String name) {
        Prop p = props.get(name);
        if (p == null) {
            p = new Prop(name);
            props.put(name, p);
        }
        return p;
    }

    /**
     * The property name of a getter or setter suffix under Jackson's
     * USE_STD_BEAN_NAMING (java.beans rules): "Name" is "name", "URL" stays "URL".
     */
    private static String mangle(String s) {
        if (s.isEmpty() || !Character.isUpperCase(s.charAt(0))
                || (s.length() > 1 && Character.isUpperCase(s.charAt(1)))) {
            return s;
        }
        return new StringBuilder(s.length()).append(Character.toLowerCase(s.charAt(0))).append(s, 1, s.length()).toString();
    }
}
