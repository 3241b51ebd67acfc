package com.amazonaws.services.lambda.runtime.logging;

/** Log levels of LambdaLogger. */
public enum LogLevel {
    // UNDEFINED is the level of the legacy LambdaLogger.log(String): never filtered.
    UNDEFINED,
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR,
    FATAL;

    public static LogLevel fromString(String logLevel) {
        try {
            return LogLevel.valueOf(logLevel.toUpperCase());
        } catch (Exception e) {
            throw new IllegalArgumentException(new StringBuilder("Invalid log level: '").append(logLevel)
                    .append("' expected one of [TRACE, DEBUG, INFO, WARN, ERROR, FATAL]").toString());
        }
    }
}
