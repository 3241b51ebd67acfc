package training;

import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Train is the AppCDS training run. The Makefile starts it in the package
 * directory with -XX:DumpLoadedClassList; it loads a handler the way the
 * Java runtime does (a URLClassLoader over the package directory and
 * lib/*.jar, below the class path) and exercises it, so that every JDK
 * class a cold start needs is in the class list, including those the
 * runtime client's own socket I/O needs. ddbwriter talks to a fake DynamoDB
 * on a loopback socket: the build needs no network and no service.
 *
 * The JDK's class list leaves out classes of user-defined loaders, which is
 * what the handler's are, so Train writes their lines itself (to the file
 * named by its second argument) in the class list's format for them:
 * "name id: N super: N interfaces: N… source: jar". -Xshare:dump archives
 * them as "unregistered" classes, which the JVM takes from the archive when
 * a loader defines a class of the same name and bytes, wherever it read
 * them from.
 *
 * Not shipped: it is on the training run's class path only.
 */
public final class Train {
    private Train() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: Train uppercase|ddbwriter UNREGISTERED-CLASSLIST");
        }
        int port = fakeServer();
        // What the runtime client does around every invoke: HTTP on a plain
        // socket to the Runtime API.
        runtimeApiExchange(port);
        Recorder cl = new Recorder(classPath(new File(System.getProperty("user.dir"))));
        Thread.currentThread().setContextClassLoader(cl);
        switch (args[0]) {
            case "uppercase": {
                Class<?> c = Class.forName("example.Uppercase", true, cl);
                Object h = c.getConstructor().newInstance();
                Method m = handlerMethod(c);
                for (int i = 0; i < 3; i++) {
                    check("HELLO".equals(m.invoke(h, "hello", null)), "uppercase answered wrong");
                }
                break;
            }
            case "ddbwriter": {
                Class<?> c = Class.forName("example.DdbWriter", true, cl); // static init, as on a cold start
                Object h = c.getConstructor().newInstance();
                handlerMethod(c); // what the runtime looks up
                Class<?> dbClass = Class.forName("example.DynamoDb", true, cl);
                Constructor<?> ctor = dbClass.getDeclaredConstructor(String.class, String.class, String.class,
                        String.class, String.class);
                ctor.setAccessible(true);
                Object db = ctor.newInstance("http://127.0.0.1:" + port, "us-east-1", "AKIDTRAINING", "secret", "token");
                Method write = c.getDeclaredMethod("write", dbClass, String.class, Map.class);
                write.setAccessible(true);
                Map<String, Object> event = new HashMap<>();
                event.put("name", "training");
                for (int i = 0; i < 3; i++) {
                    String id = (String) write.invoke(h, db, "training", event);
                    check(id != null && id.length() == 36, "ddbwriter answered no id");
                }
                break;
            }
            default:
                throw new IllegalArgumentException("unknown workload " + args[0]);
        }
        try (PrintWriter out = new PrintWriter(args[1], StandardCharsets.UTF_8)) {
            cl.writeClassList(out);
        }
    }

    /** Recorder is the runtime's loader, noting the classes it defines, supers first. */
    static final class Recorder extends URLClassLoader {
        private final List<Class<?>> defined = new ArrayList<>();

        Recorder(URL[] urls) {
            super(urls, ClassLoader.getSystemClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            Class<?> c = super.findClass(name);
            synchronized (defined) {
                defined.add(c); // after its super and interfaces, which defineClass loaded first
            }
            return c;
        }

        /**
         * WriteClassList writes the class-list lines of the archivable
         * classes this loader defined: those read from a jar whose super and
         * interfaces are JDK classes or archivable themselves. A class whose
         * super is the runtime's (RequestHandler, on the JVM's class path) is
         * left out: the runtime's classes are not in the archive.
         */
        void writeClassList(PrintWriter out) {
            Map<Class<?>, Integer> ids = new HashMap<>();
            for (Class<?> c : defined) {
                File source;
                try {
                    source = new File(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
                if (!source.getName().endsWith(".jar")) {
                    System.err.println("appcds: not archived (only classes from jars can be): " + c.getName());
                    continue;
                }
                List<Class<?>> supers = new ArrayList<>(Arrays.asList(c.getInterfaces()));
                supers.add(0, c.getSuperclass());
                StringBuilder interfaces = new StringBuilder();
                boolean ok = true;
                for (Class<?> s : supers) {
                    if (!ids.containsKey(s)) {
                        if (!s.getModule().isNamed()) {
                            ok = false; // neither the JDK's nor archived here
                            break;
                        }
                        ids.put(s, ids.size());
                        out.println(s.getName().replace('.', '/') + " id: " + ids.get(s));
                    }
                    if (s != c.getSuperclass()) {
                        interfaces.append(' ').append(ids.get(s));
                    }
                }
                if (!ok) {
                    System.err.println("appcds: not archived (extends a class the archive cannot hold): " + c.getName());
                    continue;
                }
                ids.put(c, ids.size());
                out.println(c.getName().replace('.', '/') + " id: " + ids.get(c) + " super: " + ids.get(c.getSuperclass())
                        + (interfaces.length() > 0 ? " interfaces:" + interfaces : "") + " source: "
                        + source.getAbsolutePath());
            }
        }
    }

    /** HandlerMethod finds handleRequest and its generic types, as the runtime does. */
    private static Method handlerMethod(Class<?> c) {
        for (Method m : c.getMethods()) {
            if (m.getName().equals("handleRequest")) {
                m.getGenericParameterTypes();
                m.getGenericReturnType();
                return m;
            }
        }
        throw new IllegalStateException("no handleRequest on " + c.getName());
    }

    /** ClassPath is the runtime's: the task root, then lib/*.jar in name order. */
    private static URL[] classPath(File root) throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.add(root.toURI().toURL());
        String[] names = new File(root, "lib").list();
        if (names != null) {
            Arrays.sort(names);
            for (String n : names) {
                if (n.endsWith(".jar")) {
                    urls.add(new File(new File(root, "lib"), n).toURI().toURL());
                }
            }
        }
        return urls.toArray(new URL[0]);
    }

    /**
     * RuntimeApiExchange sends a request and reads the answer on a plain
     * socket, as the runtime client does with the Runtime API.
     */
    private static void runtimeApiExchange(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write("POST /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] answer = new byte[4096];
            int n = 0;
            while (n < answer.length && !new String(answer, 0, n, StandardCharsets.US_ASCII).endsWith("{}")) {
                int r = in.read(answer, n, answer.length - n);
                if (r < 0) {
                    throw new EOFException("the fake server closed the connection");
                }
                n += r;
            }
        }
    }

    /**
     * FakeServer answers every request on a loopback port with 200 {}, as
     * DynamoDB's PutItem does and near enough the Runtime API; it returns
     * the port.
     */
    private static int fakeServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (true) {
                try (Socket s = server.accept()) {
                    serve(s.getInputStream(), s.getOutputStream());
                } catch (IOException e) {
                    // the client went away; take the next one
                }
            }
        }, "fake-server");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private static void serve(InputStream in, OutputStream out) throws IOException {
        byte[] ok = "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 2\r\n\r\n{}"
                .getBytes(StandardCharsets.US_ASCII);
        while (true) {
            StringBuilder head = new StringBuilder();
            int c;
            while (!head.toString().endsWith("\r\n\r\n")) {
                if ((c = in.read()) < 0) {
                    return;
                }
                head.append((char) c);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.readNBytes(length);
            out.write(ok);
            out.flush();
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
