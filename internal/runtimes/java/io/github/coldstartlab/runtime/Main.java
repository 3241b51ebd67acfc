package io.github.coldstartlab.runtime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOError;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Main is coldstart's Java runtime interface client, a stand-in for AWS's
 * aws-lambda-java-runtime-interface-client: it loads the handler named by
 * _HANDLER from the task root (classes at its top, jars in lib/), then
 * serves events from the Runtime API until the process is stopped.
 *
 * It starts cheaply on purpose: no lambdas, no string concatenation with +,
 * no HTTP library; everything it does before the first /next is counted in
 * the function's Init Duration, as on AWS.
 */
public final class Main {
    private Main() {}

    /** The system property AWS's client sets to each invoke's X-Ray header (read by the X-Ray SDK). */
    static final String TRACE_PROPERTY = "com.amazonaws.xray.traceHeader";

    static final String BAD_FUNCTION_CODE = "Runtime.BadFunctionCode";
    static final String USER_EXCEPTION = "Runtime.UserException";

    public static void main(String[] args) throws Throwable {
        // As AWS: UTF-8 stdout and stderr, written through on every print.
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), false, StandardCharsets.UTF_8));

        String handlerName = args.length > 0 ? args[0] : System.getenv("_HANDLER");
        RuntimeApi api = new RuntimeApi(System.getenv("AWS_LAMBDA_RUNTIME_API"));

        // The function's classes: the task root, then lib/*.jar in name order,
        // with the system class loader (this client and aws-lambda-java-core's
        // interfaces) as parent, so a copy of aws-lambda-java-core in lib/ loses.
        URLClassLoader cl = new URLClassLoader(classPath(System.getProperty("user.dir")), ClassLoader.getSystemClassLoader());
        Thread.currentThread().setContextClassLoader(cl);

        Handler handler;
        try {
            handler = HandlerLoader.load(handlerName, cl);
        } catch (Fault f) {
            report(f.reportable());
            flush();
            api.error(RuntimeApi.INIT_ERROR, BAD_FUNCTION_CODE, f.body());
            System.exit(1);
            return;
        }
        loop(api, handler);
    }

    static URL[] classPath(String taskRoot) throws IOException {
        List<URL> urls = new ArrayList<>();
        File root = new File(taskRoot);
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

    private static void loop(RuntimeApi api, Handler handler) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        while (true) {
            flush();
            Invocation inv = api.next();
            if (inv.traceId != null) {
                System.setProperty(TRACE_PROPERTY, inv.traceId);
            } else {
                System.clearProperty(TRACE_PROPERTY);
            }
            out.reset();
            boolean exit = false;
            try {
                handler.call(new ByteArrayInputStream(inv.body), out, new LambdaContextImpl(inv));
                flush();
                api.respond(inv.id, out.toByteArray());
                Thread.interrupted(); // clear a flag the handler may have left
                continue;
            } catch (Fault f) {
                report(f.reportable());
                flush();
                api.error(errorPath(inv), BAD_FUNCTION_CODE, f.body());
                exit = f.fatal;
            } catch (Throwable t) {
                Fault.filter(t);
                report(Fault.of(t, false).reportable());
                flush();
                api.error(errorPath(inv), USER_EXCEPTION, Fault.body(t));
                exit = t instanceof VirtualMachineError || t instanceof IOError;
            }
            if (exit) {
                flush();
                return;
            }
        }
    }

    private static String errorPath(Invocation inv) {
        return Text.cat(RuntimeApi.INVOCATION, inv.id, "/error");
    }

    /** Logs a fault as AWS does, through the LambdaLogger, as one message. */
    private static void report(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\n') {
            end--;
        }
        RuntimeLogger.INSTANCE.log(s.substring(0, end));
    }

    /** Flushes what the handler printed, so the platform sees it before the next call. */
    static void flush() {
        System.out.flush();
        System.err.flush();
    }
}
