package com.amazonaws.services.lambda.runtime;

/** Provides information related to Amazon Cognito identities. */
public interface CognitoIdentity {
    /** Gets the Amazon Cognito identity ID. */
    String getIdentityId();

    /** Gets the Amazon Cognito identity pool ID. */
    String getIdentityPoolId();
}
