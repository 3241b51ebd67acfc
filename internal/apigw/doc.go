// Package apigw is the local front door of `coldstart serve --http`: it turns
// an HTTP request into an API Gateway HTTP API (payload format 2.0) or
// Function URL event, invokes the function and maps what the function
// returned back onto an HTTP response, as lambda-spec.md §8 describes.
//
// Routes are API Gateway HTTP API routes ("GET /orders/{id}",
// "ANY /files/{proxy+}", "$default"). Function URLs share the listener under
// the local path prefix /lambda-url/<FunctionName>/ (there is one host here,
// not one per function).
//
// apigw knows nothing about how a function runs: it calls an Invoker. It
// imports platform only to recognise a throttle (platform.ErrTooManyRequests)
// and must not import anything above it (local, lambdaapi, bench).
package apigw
