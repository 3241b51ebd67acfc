// Package lambdaapi serves the AWS Lambda REST API (2015-03-31) over a
// platform: Invoke (RequestResponse, Event, DryRun, LogType Tail) and the
// read side of the control plane (GetFunction, GetFunctionConfiguration,
// ListFunctions), with Lambda's status codes, error codes and bodies
// (lambda-spec.md §5–6), so the AWS CLI and SDKs work against it unchanged.
//
// SigV4 signatures are accepted without verification. lambdaapi imports
// platform and nothing above it.
package lambdaapi
