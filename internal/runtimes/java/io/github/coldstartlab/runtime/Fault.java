package io.github.coldstartlab.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Fault is AWS's UserFault: a failure to load or run the handler, reported
 * with errorMessage and errorType only (no stackTrace, "for compatibility
 * with the legacy runtime") and logged with its full Java stack trace.
 */
final class Fault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** PACKAGE is where the client's frames start; stack traces are cut there. */
    static final String PACKAGE = "io.github.coldstartlab.runtime.";

    final String msg;
    final String exception; // the Java exception class, or null
    final String trace; // printStackTrace output, or null
    final boolean fatal; // the runtime exits after reporting it

    Fault(String msg, String exception, String trace, boolean fatal) {
        super(msg, null, false, false);
        this.msg = msg;
        this.exception = exception;
        this.trace = trace;
        this.fatal = fatal;
    }

    /** A fault with only a message (no exception, no trace). */
    static Fault of(String msg) {
        return new Fault(msg, null, null, false);
    }

    /** A fault for exception t. */
    static Fault of(Throwable t, boolean fatal) {
        return new Fault(message(t), t.getClass().getName(), trace(t), fatal);
    }

    static String message(Throwable t) {
        String m = t.getLocalizedMessage();
        return m == null ? t.getClass().getName() : m;
    }

    /** t's stack trace as printed, after filtering. */
    static String trace(Throwable t) {
        filter(t);
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** Removes the client's own frames (and those below them) from t, its causes and suppressed exceptions. */
    static <T extends Throwable> T filter(T t) {
        filter(t, new IdentityHashMap<Throwable, Boolean>());
        return t;
    }

    private static void filter(Throwable t, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return;
        }
        StackTraceElement[] st = t.getStackTrace();
        for (int k = 0; k < st.length; k++) {
            if (st[k].getClassName().startsWith(PACKAGE)) {
                StackTraceElement[] cut = new StackTraceElement[k];
                System.arraycopy(st, 0, cut, 0, k);
                t.setStackTrace(cut);
                break;
            }
        }
        filter(t.getCause(), seen);
        for (Throwable s : t.getSuppressed()) {
            filter(s, seen);
        }
    }

    /** The text AWS logs for the fault ("msg: exception\ntrace\n"). */
    String reportable() {
        if (exception != null || trace != null) {
            return new StringBuilder().append(msg).append(": ").append(exception == null ? "" : exception)
                    .append('\n').append(trace == null ? "" : trace).append('\n').toString();
        }
        return Text.cat(msg, "\n");
    }

    /** The error body AWS posts for a fault. */
    byte[] body() {
        StringBuilder b = new StringBuilder("{\"errorMessage\":");
        Json.quote(msg, b);
        if (exception != null) {
            b.append(",\"errorType\":");
            Json.quote(exception, b);
        }
        return utf8(b.append('}'));
    }

    /** The error body AWS posts for an exception thrown by the handler. */
    static byte[] body(Throwable t) {
        StringBuilder b = new StringBuilder("{\"errorMessage\":");
        Json.quote(message(t), b);
        b.append(",\"errorType\":");
        Json.quote(t.getClass().getName(), b);
        b.append(",\"stackTrace\":[");
        StackTraceElement[] st = t.getStackTrace();
        for (int k = 0; k < st.length; k++) {
            if (k > 0) {
                b.append(',');
            }
            Json.quote(st[k].toString(), b);
        }
        return utf8(b.append("]}"));
    }

    static byte[] utf8(CharSequence s) {
        return s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
