package runtimeapi

import (
	"regexp"
	"strings"
)

// Paths of the Runtime API.
const (
	pathPrefix     = "/2018-06-01/runtime/"
	pathNext       = pathPrefix + "invocation/next"
	pathInvocation = pathPrefix + "invocation/"
	pathInitError  = pathPrefix + "init/error"
)

// Headers of the Runtime API, in canonical form so they can be set directly.
const (
	HeaderRequestID       = "Lambda-Runtime-Aws-Request-Id"
	HeaderDeadlineMS      = "Lambda-Runtime-Deadline-Ms"
	HeaderFunctionARN     = "Lambda-Runtime-Invoked-Function-Arn"
	HeaderTraceID         = "Lambda-Runtime-Trace-Id"
	HeaderClientContext   = "Lambda-Runtime-Client-Context"
	HeaderCognitoIdentity = "Lambda-Runtime-Cognito-Identity"
	HeaderTenantID        = "Lambda-Runtime-Aws-Tenant-Id"
	HeaderErrorType       = "Lambda-Runtime-Function-Error-Type"
	HeaderErrorBody       = "Lambda-Runtime-Function-Error-Body" // a trailer, base64 JSON
	HeaderXRayErrorCause  = "Lambda-Runtime-Function-Xray-Error-Cause"
	HeaderResponseMode    = "Lambda-Runtime-Function-Response-Mode"
)

// MaxPayload is the largest event or response the Runtime API carries:
// 6 MiB + 100 bytes (RIE's MaxPayloadSize).
const MaxPayload = 6*1024*1024 + 100

// Error types the platform reports for failures it detects itself.
const (
	ErrorTypeExit                = "Runtime.ExitError"
	ErrorTypeOutOfMemory         = "Runtime.OutOfMemory"
	ErrorTypeUnknown             = "Runtime.Unknown"
	ErrorTypeFunctionUnknown     = "Function.Unknown"
	ErrorTypeTruncatedResponse   = "Runtime.TruncatedResponse"
	ErrorTypeInvalidResponseMode = "Runtime.InvalidResponseModeHeader"
	ErrorTypeResponseTooLarge    = "Function.ResponseSizeTooLarge"
	ErrorTypeTimeout             = "Sandbox.Timedout"
)

const responseModeStreaming = "streaming"

var validErrorType = regexp.MustCompile(`(Runtime|Function)\.[A-Z][a-zA-Z]+`)

// NormalizeErrorType applies Lambda's rule to a runtime-supplied error type:
// a type containing `Runtime.X` or `Function.X` is kept, another starting with
// "Function." becomes Function.Unknown, anything else Runtime.Unknown.
func NormalizeErrorType(t string) string {
	switch {
	case validErrorType.MatchString(t):
		return t
	case strings.HasPrefix(t, "Function."):
		return ErrorTypeFunctionUnknown
	default:
		return ErrorTypeUnknown
	}
}
