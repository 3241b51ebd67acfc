package io.github.coldstartlab.runtime;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Types resolves generic types: the I and O of RequestHandler<I,O>, a List's element type, a bean's T. */
final class Types {
    private Types() {}

    /** The class a type erases to. */
    static Class<?> raw(Type t) {
        if (t instanceof Class) {
            return (Class<?>) t;
        }
        if (t instanceof ParameterizedType) {
            return raw(((ParameterizedType) t).getRawType());
        }
        if (t instanceof GenericArrayType) {
            return Array.newInstance(raw(((GenericArrayType) t).getGenericComponentType()), 0).getClass();
        }
        if (t instanceof TypeVariable) {
            Type[] b = ((TypeVariable<?>) t).getBounds();
            return b.length == 0 ? Object.class : raw(b[0]);
        }
        if (t instanceof WildcardType) {
            Type[] b = ((WildcardType) t).getUpperBounds();
            return b.length == 0 ? Object.class : raw(b[0]);
        }
        return Object.class;
    }

    /**
     * The type arguments with which t (a class or parameterized type)
     * implements or extends generic type target, resolved as far as t allows
     * (unbound variables stay TypeVariables); null when t uses target raw or
     * not at all.
     */
    static Type[] find(Type t, Class<?> target) {
        return find(t, target, null, 0);
    }

    private static Type[] find(Type t, Class<?> target, Map<TypeVariable<?>, Type> outer, int depth) {
        Class<?> c = raw(t);
        if (!target.isAssignableFrom(c) || depth > 64) {
            return null;
        }
        Map<TypeVariable<?>, Type> b = null;
        if (t instanceof ParameterizedType) {
            Type[] args = ((ParameterizedType) t).getActualTypeArguments();
            TypeVariable<?>[] vars = c.getTypeParameters();
            b = new HashMap<>();
            for (int k = 0; k < vars.length && k < args.length; k++) {
                b.put(vars[k], resolve(args[k], outer));
            }
        }
        if (c == target) {
            if (b == null) {
                return null;
            }
            TypeVariable<?>[] vars = c.getTypeParameters();
            Type[] out = new Type[vars.length];
            for (int k = 0; k < vars.length; k++) {
                out[k] = b.get(vars[k]);
            }
            return out;
        }
        for (Type i : c.getGenericInterfaces()) {
            Type[] r = find(i, target, b, depth + 1);
            if (r != null) {
                return r;
            }
        }
        Type sup = c.getGenericSuperclass();
        return sup == null ? null : find(sup, target, b, depth + 1);
    }

    /** The type variable bindings of t's class and its superclasses. */
    static Map<TypeVariable<?>, Type> bindings(Type t) {
        Map<TypeVariable<?>, Type> b = new HashMap<>();
        Type cur = t;
        for (int depth = 0; cur != null && depth < 64; depth++) {
            Class<?> c = raw(cur);
            if (cur instanceof ParameterizedType) {
                Type[] args = ((ParameterizedType) cur).getActualTypeArguments();
                TypeVariable<?>[] vars = c.getTypeParameters();
                for (int k = 0; k < vars.length && k < args.length; k++) {
                    b.put(vars[k], resolve(args[k], b));
                }
            }
            cur = c.getGenericSuperclass();
        }
        return b;
    }

    /** t with the variables bound in b replaced. */
    static Type resolve(Type t, Map<TypeVariable<?>, Type> b) {
        if (b == null || b.isEmpty() || t instanceof Class) {
            return t;
        }
        if (t instanceof TypeVariable) {
            Type r = b.get(t);
            return r == null ? t : r;
        }
        if (t instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) t;
            Type[] args = p.getActualTypeArguments();
            Type[] out = new Type[args.length];
            boolean changed = false;
            for (int k = 0; k < args.length; k++) {
                out[k] = resolve(args[k], b);
                changed |= out[k] != args[k];
            }
            return changed ? new Parameterized(raw(p.getRawType()), out, p.getOwnerType()) : t;
        }
        if (t instanceof GenericArrayType) {
            Type comp = resolve(((GenericArrayType) t).getGenericComponentType(), b);
            if (comp instanceof Class) {
                return Array.newInstance((Class<?>) comp, 0).getClass();
            }
            return t;
        }
        if (t instanceof WildcardType) {
            Type[] up = ((WildcardType) t).getUpperBounds();
            return up.length == 0 ? Object.class : resolve(up[0], b);
        }
        return t;
    }

    /** Argument k of a parameterized type, else Object. */
    static Type arg(Type[] args, int k) {
        return args == null || k >= args.length || args[k] == null ? Object.class : args[k];
    }

    /** Parameterized is a ParameterizedType made by resolve. */
    static final class Parameterized implements ParameterizedType {
        private final Class<?> raw;
        private final Type[] args;
        private final Type owner;

        Parameterized(Class<?> raw, Type[] args, Type owner) {
            this.raw = raw;
            this.args = args;
            this.owner = owner;
        }

        @Override
        public Type[] getActualTypeArguments() {
            return args.clone();
        }

        @Override
        public Type getRawType() {
            return raw;
        }

        @Override
        public Type getOwnerType() {
            return owner;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof ParameterizedType)) {
                return false;
            }
            ParameterizedType p = (ParameterizedType) o;
            return raw.equals(p.getRawType()) && Arrays.equals(args, p.getActualTypeArguments());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(args) ^ raw.hashCode();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(raw.getName()).append('<');
            for (int k = 0; k < args.length; k++) {
                if (k > 0) {
                    b.append(", ");
                }
                b.append(args[k].getTypeName());
            }
            return b.append('>').toString();
        }
    }
}
