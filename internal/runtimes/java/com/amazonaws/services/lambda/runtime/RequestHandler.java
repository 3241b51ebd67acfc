package com.amazonaws.services.lambda.runtime;

/**
 * Lambda request handlers implement AWS Lambda Function application logic
 * using plain old java objects as input and output.
 *
 * @param <I> The input parameter type
 * @param <O> The output parameter type
 */
public interface RequestHandler<I, O> {
    /** Handles a Lambda Function request. */
    O handleRequest(I input, Context context);
}
