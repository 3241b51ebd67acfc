package com.amazonaws.services.lambda.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Low-level request-handling interface using input and output streams. */
public interface RequestStreamHandler {
    /** Handles a Lambda Function request. */
    void handleRequest(InputStream input, OutputStream output, Context context) throws IOException;
}
