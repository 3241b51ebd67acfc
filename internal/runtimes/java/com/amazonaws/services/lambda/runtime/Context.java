package com.amazonaws.services.lambda.runtime;

/**
 * The context object allows you to access useful information available within
 * the Lambda execution environment (aws-lambda-java-core's interface).
 */
public interface Context {

    /** Gets the AWS request ID associated with the request. */
    String getAwsRequestId();

    /** Gets the CloudWatch log group that this container is configured to log to. */
    String getLogGroupName();

    /** Gets the CloudWatch log stream that this container is configured to log to. */
    String getLogStreamName();

    /** Gets the name of the function being executed. */
    String getFunctionName();

    /** Gets the version of the function being executed. */
    String getFunctionVersion();

    /** Gets the function Arn of the resource being invoked. */
    String getInvokedFunctionArn();

    /** Gets information about the Amazon Cognito identity provider; may be null. */
    CognitoIdentity getIdentity();

    /** Gets information about the client application and device; may be null. */
    ClientContext getClientContext();

    /** Gets the time remaining for this execution in milliseconds. */
    int getRemainingTimeInMillis();

    /** Gets the memory size configured for the Lambda function. */
    int getMemoryLimitInMB();

    /** Gets the lambda logger instance associated with the context object. */
    LambdaLogger getLogger();

    /** Gets the tenant ID of a tenant-isolated function; null otherwise. */
    default String getTenantId() {
        return null;
    }

    /** Gets the X-Ray trace ID of this invoke; may be null. */
    default String getXrayTraceId() {
        return null;
    }
}
