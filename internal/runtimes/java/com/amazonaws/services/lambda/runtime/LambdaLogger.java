package com.amazonaws.services.lambda.runtime;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;

/** A low level Lambda runtime logger (aws-lambda-java-core's interface). */
public interface LambdaLogger {

    /** Logs a string to AWS CloudWatch Logs. */
    void log(String message);

    /** Logs a byte array to AWS CloudWatch Logs. */
    void log(byte[] message);

    /** Logs a string at a log level. */
    default void log(String message, LogLevel logLevel) {
        log(message);
    }

    /** Logs a byte array at a log level. */
    default void log(byte[] message, LogLevel logLevel) {
        log(message);
    }
}
