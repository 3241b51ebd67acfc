package io.github.coldstartlab.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.CustomPojoSerializer;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/** Handler runs the user's handler for one event, writing its result to out. */
abstract class Handler {
    static final byte[] JSON_NULL = {'n', 'u', 'l', 'l'};

    abstract void call(InputStream in, ByteArrayOutputStream out, Context ctx) throws Throwable;

    /** Calls m, unwrapping the handler's own exception. */
    static Object invoke(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw Fault.filter(e.getCause() != null ? e.getCause() : e);
        }
    }

    /** Failing is a handler that could not be loaded: every invoke reports its fault. */
    static final class Failing extends Handler {
        final Fault fault;

        Failing(Fault fault) {
            this.fault = fault;
        }

        @Override
        void call(InputStream in, ByteArrayOutputStream out, Context ctx) {
            throw fault;
        }
    }

    /** Stream is a RequestStreamHandler class. */
    static final class Stream extends Handler {
        private final RequestStreamHandler h;

        Stream(RequestStreamHandler h) {
            this.h = h;
        }

        @Override
        void call(InputStream in, ByteArrayOutputStream out, Context ctx) throws Throwable {
            h.handleRequest(in, out, ctx);
        }
    }

    /** StreamMethod is a method taking (InputStream, OutputStream, Context) or part of it. */
    static final class StreamMethod extends Handler {
        private final Method m;
        private final Object target;
        private final boolean input;
        private final boolean output;
        private final boolean context;

        StreamMethod(Method m, Object target, boolean input, boolean output, boolean context) {
            this.m = m;
            this.target = target;
            this.input = input;
            this.output = output;
            this.context = context;
        }

        @Override
        void call(InputStream in, ByteArrayOutputStream out, Context ctx) throws Throwable {
            Object[] args = new Object[(input ? 1 : 0) + (output ? 1 : 0) + (context ? 1 : 0)];
            int k = 0;
            if (input) {
                args[k++] = in;
            } else {
                in.close();
            }
            if (output) {
                args[k++] = out;
            }
            if (context) {
                args[k] = ctx;
            }
            invoke(m, target, args);
            if (!output) {
                out.write(JSON_NULL);
            }
        }
    }

    /** Typed is a handler of Java objects: the event is read from JSON, the result written as JSON. */
    abstract static class Typed extends Handler {
        private final Type inType; // null: the handler takes no event
        private final Type outType; // null: void
        private final CustomPojoSerializer custom;

        Typed(Type inType, Type outType, CustomPojoSerializer custom) {
            this.inType = inType;
            this.outType = isVoid(outType) ? null : outType;
            this.custom = custom;
        }

        static boolean isVoid(Type t) {
            return t == null || t == void.class || t == Void.class;
        }

        abstract Object handle(Object input, Context ctx) throws Throwable;

        @Override
        void call(InputStream in, ByteArrayOutputStream out, Context ctx) throws Throwable {
            Object input = null;
            if (inType != null) {
                try {
                    input = custom != null ? custom.fromJson(in, inType) : decode(in, inType);
                } catch (Throwable t) {
                    throw new RuntimeException("An error occurred during JSON parsing", Fault.filter(t));
                }
            }
            Object result = handle(input, ctx);
            try {
                if (outType == null) {
                    out.write(JSON_NULL);
                } else if (custom != null) {
                    custom.toJson(result, out, outType);
                } else {
                    encode(result, out);
                }
            } catch (Throwable t) {
                throw new RuntimeException("An error occurred during JSON serialization of response", t);
            }
        }

        private static Object decode(InputStream in, Type t) throws Exception {
            byte[] b = in.readAllBytes();
            return Pojo.read(Json.parse(new String(b, StandardCharsets.UTF_8)), t);
        }

        private static void encode(Object v, OutputStream out) throws Exception {
            StringBuilder b = new StringBuilder(256);
            Pojo.write(v, b);
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** PojoClass is a RequestHandler class. */
    static final class PojoClass extends Typed {
        @SuppressWarnings("rawtypes")
        private final RequestHandler h;

        @SuppressWarnings("rawtypes")
        PojoClass(RequestHandler h, Type in, Type out, CustomPojoSerializer custom) {
            super(in, out, custom);
            this.h = h;
        }

        @SuppressWarnings("unchecked")
        @Override
        Object handle(Object input, Context ctx) {
            return h.handleRequest(input, ctx);
        }
    }

    /** PojoMethod is a method taking (event, Context), (event), (Context) or nothing. */
    static final class PojoMethod extends Typed {
        private final Method m;
        private final Object target;
        private final boolean input;
        private final boolean context;

        PojoMethod(Method m, Object target, Type in, Type out, boolean context, CustomPojoSerializer custom) {
            super(in, out, custom);
            this.m = m;
            this.target = target;
            this.input = in != null;
            this.context = context;
        }

        @Override
        Object handle(Object in, Context ctx) throws Throwable {
            Object[] args = new Object[(input ? 1 : 0) + (context ? 1 : 0)];
            int k = 0;
            if (input) {
                args[k++] = in;
            }
            if (context) {
                args[k] = ctx;
            }
            return invoke(m, target, args);
        }
    }
}
