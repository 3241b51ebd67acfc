package com.amazonaws.services.lambda.runtime;

/**
 * Context is a compile-time stand-in for aws-lambda-java-core's interface,
 * which the Java runtime provides (AWS's and coldstart's alike), so the
 * package does not ship it. Only the methods these examples call are here;
 * calls compile to the same interface methods as against the real jar.
 */
public interface Context {
    String getAwsRequestId();

    int getRemainingTimeInMillis();
}
