package io.github.coldstartlab.runtime;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * RuntimeLogger is LambdaLogger as AWS's client sets it up for text logs:
 * messages go to stdout unchanged, and a message logged with a level gets a
 * "[LEVEL] " prefix and is dropped below AWS_LAMBDA_LOG_LEVEL. AWS frames
 * each call as one CloudWatch event; on this line-based pipe a message that
 * does not end in a newline gets one, so calls do not run together.
 */
public final class RuntimeLogger implements LambdaLogger {
    /** INSTANCE is what LambdaRuntime.getLogger() and Context.getLogger() return. */
    public static final RuntimeLogger INSTANCE = new RuntimeLogger();

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private final int minLevel;

    private RuntimeLogger() {
        int min = 0;
        String env = System.getenv("AWS_LAMBDA_LOG_LEVEL");
        if (env != null && !env.isEmpty()) {
            try {
                min = LogLevel.fromString(env).ordinal();
            } catch (IllegalArgumentException e) {
                min = 0;
            }
        }
        minLevel = min;
    }

    private boolean enabled(LogLevel l) {
        return l == null || l == LogLevel.UNDEFINED || l.ordinal() >= minLevel;
    }

    @Override
    public void log(String message) {
        write(message == null ? NULL : message.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void log(byte[] message) {
        write(message == null ? NULL : message);
    }

    @Override
    public void log(String message, LogLevel logLevel) {
        if (!enabled(logLevel)) {
            return;
        }
        if (logLevel == null || logLevel == LogLevel.UNDEFINED) {
            log(message);
            return;
        }
        log(new StringBuilder().append('[').append(logLevel.name()).append("] ").append(message).toString());
    }

    @Override
    public void log(byte[] message, LogLevel logLevel) {
        if (enabled(logLevel)) {
            log(message);
        }
    }

    private static synchronized void write(byte[] b) {
        PrintStream out = System.out;
        out.write(b, 0, b.length);
        if (b.length == 0 || b[b.length - 1] != '\n') {
            out.write('\n');
        }
        out.flush();
    }
}
