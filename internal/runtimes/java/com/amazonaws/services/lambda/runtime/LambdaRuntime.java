package com.amazonaws.services.lambda.runtime;

import io.github.coldstartlab.runtime.RuntimeLogger;

/** Gives access to the runtime's global logger. */
public final class LambdaRuntime {
    private LambdaRuntime() {}

    // AWS's client replaces this field by reflection; coldstart's logger is the default.
    private static volatile LambdaLogger logger = RuntimeLogger.INSTANCE;

    /** Returns the global lambda logger instance. */
    public static LambdaLogger getLogger() {
        return logger;
    }
}
