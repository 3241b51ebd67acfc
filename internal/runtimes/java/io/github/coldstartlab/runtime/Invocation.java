package io.github.coldstartlab.runtime;

/** Invocation is one event from /runtime/invocation/next. */
final class Invocation {
    String id;
    long deadlineMs;
    String functionArn;
    String traceId;
    String clientContext; // JSON, or null
    String cognitoIdentity; // JSON, or null
    String tenantId;
    byte[] body;
}
