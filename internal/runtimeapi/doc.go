// Package runtimeapi serves the Lambda Runtime API (version 2018-06-01) for one
// execution environment: it hands events to GET /next and takes /response,
// /error and /init/error from the runtime, with Lambda's headers, status codes
// and error bodies (lambda-spec.md §1).
//
// It knows nothing about scheduling, timeouts or processes: the platform calls
// Invoke and Reset and reads what the runtime did from Events. It must not
// import platform or anything above it.
//
// Notes from the protocol:
//   - An invoke is not complete until the runtime calls /next again after
//     posting its response or error (EventDone).
//   - /next while an invoke is running returns the same event again (RIE).
//   - A request id is checked against the current invoke before any state changes,
//     so a /response before the first /next is 400 InvalidRequestID, not 403.
//   - An /error body of type application/vnd.aws.lambda.error.cause+json reaches
//     the caller without its errorCause, or as "Invalid error body" (RIE).
package runtimeapi
