package codezip

import (
	"fmt"
	"net/http"
)

// Lambda's error codes for rejected packages.
const (
	// CodeInvalidParameterValue is Lambda's code for a package it cannot use.
	CodeInvalidParameterValue = "InvalidParameterValueException"
	// CodeRequestEntityTooLarge is Lambda's code (HTTP 413) for a package or
	// request over the direct-upload limit.
	CodeRequestEntityTooLarge = "RequestEntityTooLargeException"
)

// Lambda's messages. Their sources are noted where used.
const (
	// msgUnzip is AWS's message for a package it cannot unzip (observed,
	// e.g. CloudFormation CREATE_FAILED 2020: "Could not unzip uploaded file.
	// Please check your file, then try to upload again. (Service:
	// AWSLambdaInternal; Status Code: 400; Error Code:
	// InvalidParameterValueException …)").
	msgUnzip = "Could not unzip uploaded file. Please check your file, then try to upload again."
	// msgUnzipped is AWS's message for a package over the unzipped limit
	// (observed for years with 262144000, status 400,
	// InvalidParameterValueException). With layers AWS quotes the limit less
	// the layers' size ("smaller than 255174947 bytes"), hence the %d.
	msgUnzipped = "Unzipped size must be smaller than %d bytes"
	// msgZipped is the message for a decoded ZipFile over 50 MB. Unconfirmed
	// on AWS itself: taken from LocalStack, which added it after AWS changed
	// this validation around 2023-11.
	msgZipped = "Zipped size must be smaller than %d bytes"
	// msgRequest is AWS's message for an oversized request (observed
	// 2016–2021 with 69905067 for both CreateFunction and UpdateFunctionCode).
	msgRequest = "Request must be smaller than %d bytes for the %s operation"
)

// Error is a rejection of the package that the API must return to its caller
// as Lambda does: Status is the HTTP status, Code the error code
// (X-Amzn-ErrorType), Message the body's message.
type Error struct {
	Status  int
	Code    string
	Message string
	// Detail says what exactly was wrong (e.g. which entry escapes). Lambda
	// does not return it; it is for our logs and for tests.
	Detail string
}

// Error returns the code, message and detail.
func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

func badZip(format string, args ...any) *Error {
	return &Error{http.StatusBadRequest, CodeInvalidParameterValue, msgUnzip, fmt.Sprintf(format, args...)}
}

func tooBigUnzipped(limit int64) *Error {
	return &Error{http.StatusBadRequest, CodeInvalidParameterValue, fmt.Sprintf(msgUnzipped, limit), ""}
}

func tooBigZipped(size, limit int64) *Error {
	return &Error{http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge,
		fmt.Sprintf(msgZipped, limit), fmt.Sprintf("zip is %d bytes", size)}
}

// tooManyEntries is our own limit, so it says so.
func tooManyEntries(n, limit int, what string) *Error {
	return &Error{http.StatusBadRequest, CodeInvalidParameterValue,
		fmt.Sprintf("Deployment package has more than %d %s (a coldstart limit, not Lambda's)", limit, what),
		fmt.Sprintf("%d %s", n, what)}
}

// CheckRequestSize rejects a CreateFunction or UpdateFunctionCode request
// body of n bytes over MaxRequest as AWS does; operation is the API operation
// name ("CreateFunction", "UpdateFunctionCode") quoted in the message. Call it
// before reading the body: it bounds what a client can make us buffer. The
// error is an *Error.
func CheckRequestSize(n int64, operation string) error {
	if n <= MaxRequest {
		return nil
	}
	return &Error{http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge,
		fmt.Sprintf(msgRequest, MaxRequest, operation), fmt.Sprintf("request is %d bytes", n)}
}
