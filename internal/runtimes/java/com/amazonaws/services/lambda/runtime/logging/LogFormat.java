package com.amazonaws.services.lambda.runtime.logging;

/** Log formats of LambdaLogger. */
public enum LogFormat {
    JSON,
    TEXT;

    public static LogFormat fromString(String logFormat) {
        try {
            return LogFormat.valueOf(logFormat.toUpperCase());
        } catch (Exception e) {
            throw new IllegalArgumentException(new StringBuilder("Invalid log format: '").append(logFormat)
                    .append("' expected one of [JSON, TEXT]").toString());
        }
    }
}
