package io.github.coldstartlab.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.CustomPojoSerializer;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * HandlerLoader turns the handler string into a Handler as AWS's
 * EventHandlerLoader does. Problems that AWS defers to the first invoke
 * (class not found, no such method, no public constructor…) give a
 * Handler.Failing; fatal ones (the class's static initialiser or the
 * handler's constructor threw) are thrown as a Fault, which the caller
 * reports as an init error.
 */
final class HandlerLoader {
    private HandlerLoader() {}

    static final String SERVICE = "META-INF/services/com.amazonaws.services.lambda.runtime.CustomPojoSerializer";

    static Handler load(String handler, ClassLoader cl) {
        if (handler == null) {
            handler = "";
        }
        int colon = handler.lastIndexOf("::");
        String className = colon < 0 ? handler : handler.substring(0, colon);
        String methodName = colon < 0 ? null : handler.substring(colon + 2);
        if (className.isEmpty() || (methodName != null && methodName.isEmpty())) {
            return new Handler.Failing(Fault.of(Text.cat("Invalid handler: `", handler, "'")));
        }
        Class<?> c;
        try {
            c = Class.forName(className, true, cl);
        } catch (ClassNotFoundException e) {
            return new Handler.Failing(new Fault(Text.cat("Class not found: ", className), e.getClass().getName(),
                    Fault.trace(e), false));
        } catch (NoClassDefFoundError e) {
            return new Handler.Failing(initError(e, className));
        } catch (Throwable t) {
            throw initError(t, className);
        }
        Handler h = methodName == null ? classHandler(c, cl) : methodHandler(c, methodName, cl);
        if (h instanceof Handler.Failing && ((Handler.Failing) h).fault.fatal) {
            throw ((Handler.Failing) h).fault;
        }
        return h;
    }

    private static Fault initError(Throwable e, String className) {
        String m = e.getMessage();
        return new Fault(m == null ? Text.cat("Error loading class ", className)
                : Text.cat("Error loading class ", className, ": ", m), e.getClass().getName(), Fault.trace(e), true);
    }

    // ---- "package.Class": a RequestHandler or RequestStreamHandler ----

    private static Handler classHandler(Class<?> c, ClassLoader cl) {
        try {
            if (RequestStreamHandler.class.isAssignableFrom(c)) {
                return new Handler.Stream((RequestStreamHandler) newInstance(constructor(c)));
            }
            if (RequestHandler.class.isAssignableFrom(c)) {
                Type[] t = Types.find(c, RequestHandler.class);
                if (t == null) {
                    return new Handler.Failing(Fault.of(Text.cat("Class ", c.getName(),
                            " does not implement RequestHandler with concrete type parameters")));
                }
                if (t.length != 2) {
                    return new Handler.Failing(Fault.of(Text.cat(
                            "Invalid class signature for RequestHandler. Expected two generic types, got ",
                            String.valueOf(t.length))));
                }
                for (Type p : t) {
                    if (p instanceof TypeVariable && !bounded((TypeVariable<?>) p)) {
                        return new Handler.Failing(Fault.of(Text.cat("Class ", c.getName(),
                                " does not implement RequestHandler with concrete type parameters: parameter ",
                                p.toString(), " has no upper bound.")));
                    }
                }
                RequestHandler<?, ?> h = (RequestHandler<?, ?>) newInstance(constructor(c));
                return new Handler.PojoClass(h, t[0], t[1], customSerializer(cl));
            }
            return new Handler.Failing(Fault.of(Text.cat(
                    "Class does not implement an appropriate handler interface: ", c.getName())));
        } catch (Fault f) {
            return new Handler.Failing(f);
        } catch (Throwable t) {
            return new Handler.Failing(Fault.of(t, false));
        }
    }

    private static boolean bounded(TypeVariable<?> v) {
        for (Type b : v.getBounds()) {
            if (b != Object.class) {
                return true;
            }
        }
        return false;
    }

    private static Constructor<?> constructor(Class<?> c) throws Exception {
        try {
            return c.getConstructor();
        } catch (NoSuchMethodException e) {
            if (c.getEnclosingClass() != null && !Modifier.isStatic(c.getModifiers())) {
                throw new Exception(Text.cat("Class ", c.getName(),
                        " cannot be instantiated because it is a non-static inner class"));
            }
            throw new Exception(Text.cat("Class ", c.getName(), " has no public zero-argument constructor"), e);
        }
    }

    /** Runs the handler's constructor; its exception is a fatal (init) fault. */
    private static Object newInstance(Constructor<?> k) throws Throwable {
        try {
            return k.newInstance();
        } catch (InvocationTargetException e) {
            throw Fault.of(e.getCause() == null ? e : e.getCause(), true);
        } catch (InstantiationException e) {
            throw e.getCause() == null ? e : e.getCause();
        }
    }

    // ---- "package.Class::method" ----

    private static Handler methodHandler(Class<?> c, String name, ClassLoader cl) {
        Method[] all;
        try {
            all = c.getMethods();
        } catch (NoClassDefFoundError e) {
            return new Handler.Failing(new Fault(Text.cat("Error loading method ", name, " on class ", c.getName()),
                    e.getClass().getName(), Fault.trace(e), false));
        }
        // The overloads named name, best first: non-bridge methods, then longer
        // signatures, a trailing Context counting one extra (AWS's order).
        Method[] ms = new Method[all.length];
        int n = 0;
        for (Method m : all) {
            if (!m.getName().equals(name)) {
                continue;
            }
            int k = n++;
            while (k > 0 && better(m, ms[k - 1])) {
                ms[k] = ms[k - 1];
                k--;
            }
            ms[k] = m;
        }
        for (int k = 0; k < n; k++) {
            Handler h = overload(c, ms[k], cl);
            if (h != null) {
                return h;
            }
        }
        return new Handler.Failing(Fault.of(Text.cat("No public method named ", name,
                " with appropriate method signature found on class ", c.getName())));
    }

    private static boolean better(Method a, Method b) {
        if (a.isBridge() != b.isBridge()) {
            return !a.isBridge();
        }
        return weight(a) > weight(b);
    }

    private static int weight(Method m) {
        Class<?>[] p = m.getParameterTypes();
        return p.length + (p.length > 0 && p[p.length - 1] == Context.class ? 1 : 0);
    }

    /** The handler for overload m, or null when its signature does not fit (AWS logs why). */
    private static Handler overload(Class<?> c, Method m, ClassLoader cl) {
        Type r = m.getGenericReturnType();
        Type[] p = m.getGenericParameterTypes();
        switch (p.length) {
            case 0:
                return pojo(c, m, null, r, false, cl);
            case 1:
                if (p[0] == InputStream.class) {
                    return stream(c, m, true, false, false);
                } else if (p[0] == OutputStream.class) {
                    return stream(c, m, false, true, false);
                } else if (p[0] == Context.class) {
                    return pojo(c, m, null, r, true, cl);
                }
                return pojo(c, m, p[0], r, false, cl);
            case 2:
                if (p[0] == OutputStream.class) {
                    if (p[1] == Context.class) {
                        return stream(c, m, false, true, true);
                    }
                    System.err.println("Ignoring two-argument overload because first argument type is OutputStream and second argument type is not Context");
                    return null;
                } else if (p[0] == Context.class) {
                    System.err.println("Ignoring two-argument overload because first argument type is Context");
                    return null;
                } else if (p[0] == InputStream.class) {
                    if (p[1] == OutputStream.class) {
                        return stream(c, m, true, true, false);
                    } else if (p[1] == Context.class) {
                        return stream(c, m, true, false, true);
                    }
                    System.err.println(Text.cat("Ignoring two-argument overload because second parameter type, ",
                            Types.raw(p[1]).getName(), ", is not OutputStream."));
                    return null;
                } else if (p[1] == Context.class) {
                    return pojo(c, m, p[0], r, true, cl);
                }
                System.err.println("Ignoring two-argument overload because second parameter type is not Context");
                return null;
            case 3:
                if (p[0] == InputStream.class && p[1] == OutputStream.class && p[2] == Context.class) {
                    return stream(c, m, true, true, true);
                }
                System.err.println("Ignoring three-argument overload because argument signature is not (InputStream, OutputStream, Context");
                return null;
            default:
                System.err.println(Text.cat("Ignoring an overload of method ", m.getName(),
                        " because it has too many parameters: Expected at most 3, got ", String.valueOf(p.length)));
                return null;
        }
    }

    private static Object target(Class<?> c, Method m) throws Throwable {
        return Modifier.isStatic(m.getModifiers()) ? null : newInstance(constructor(c));
    }

    private static Handler stream(Class<?> c, Method m, boolean in, boolean out, boolean ctx) {
        try {
            if (m.getReturnType() != void.class && m.getReturnType() != Void.class) {
                System.err.println(Text.cat("Will ignore return type ", m.getReturnType().toString(), " on byte stream handler"));
            }
            return new Handler.StreamMethod(accessible(m), target(c, m), in, out, ctx);
        } catch (Fault f) {
            return new Handler.Failing(f);
        } catch (Throwable t) {
            return new Handler.Failing(Fault.of(t, false));
        }
    }

    private static Handler pojo(Class<?> c, Method m, Type in, Type out, boolean ctx, ClassLoader cl) {
        try {
            return new Handler.PojoMethod(accessible(m), target(c, m), in, out, ctx, customSerializer(cl));
        } catch (Fault f) {
            return new Handler.Failing(f);
        } catch (Throwable t) {
            return new Handler.Failing(Fault.of(t, false));
        }
    }

    /** m, callable even when its class is not public (a public method of a package-private class). */
    private static Method accessible(Method m) {
        if (!Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
            try {
                m.setAccessible(true);
            } catch (RuntimeException e) {
                // leave it: the invoke reports IllegalAccessException
            }
        }
        return m;
    }

    private static boolean customLoaded;
    private static CustomPojoSerializer custom;

    /**
     * The function's CustomPojoSerializer (META-INF/services), as AWS's
     * PojoSerializerLoader finds it; looked up only when the service file
     * exists, so functions without one pay no ServiceLoader start-up.
     */
    static CustomPojoSerializer customSerializer(ClassLoader cl) {
        if (customLoaded) {
            return custom;
        }
        customLoaded = true;
        if (cl.getResource(SERVICE) == null) {
            return null;
        }
        Iterator<CustomPojoSerializer> it = ServiceLoader.load(CustomPojoSerializer.class, cl).iterator();
        if (!it.hasNext()) {
            return null;
        }
        custom = it.next();
        if (it.hasNext()) {
            custom = null;
            customLoaded = false;
            throw new IllegalStateException("Too many serializers provided inside the META-INF/services folder, only one is allowed");
        }
        return custom;
    }
}
