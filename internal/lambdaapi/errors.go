package lambdaapi

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Lambda's error codes (the X-Amzn-ErrorType header; the SDKs map them to typed errors).
const (
	codeResourceNotFound           = "ResourceNotFoundException"
	codeInvalidRequest             = "InvalidRequestContentException"
	codeInvalidParameter           = "InvalidParameterValueException"
	codeValidation                 = "ValidationException"
	codeRequestTooLarge            = "RequestTooLargeException"
	codeTooManyRequests            = "TooManyRequestsException"
	codeService                    = "ServiceException"
	codeUnknownOperation           = "UnknownOperationException"
	codePreconditionFailed         = "PreconditionFailedException"
	codeResourceConflict           = "ResourceConflictException"
	codeRequestEntityTooLarge      = "RequestEntityTooLargeException"
	reasonConcurrencyLimit         = "ConcurrentInvocationLimitExceeded"
	reasonReservedConcurrencyLimit = "ReservedFunctionConcurrentInvocationLimitExceeded"
	headerErrorType                = "X-Amzn-ErrorType"
	headerRequestID                = "x-amzn-RequestId" // Lambda's spelling; set without canonicalising
	headerInvocationType           = "X-Amz-Invocation-Type"
	headerLogType                  = "X-Amz-Log-Type"
	headerClientContext            = "X-Amz-Client-Context"
	headerExecutedVersion          = "X-Amz-Executed-Version"
	headerFunctionError            = "X-Amz-Function-Error"
	headerLogResult                = "X-Amz-Log-Result"
	maxClientContextEncoded        = 3583
)

// apiError is a Lambda API error response.
type apiError struct {
	status  int
	code    string
	message string
	reason  string // TooManyRequestsException only
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func notFound(arn string) *apiError {
	return &apiError{http.StatusNotFound, codeResourceNotFound, "Function not found: " + arn, ""}
}

func writeError(w http.ResponseWriter, e *apiError) {
	// Lambda's bodies say "message", except ResourceNotFoundException and
	// ServiceException, which say "Message" (lambda-spec.md §5).
	body := map[string]string{"Type": "User"}
	switch e.code {
	case codeResourceNotFound, codeService:
		body["Message"] = e.message
	default:
		body["message"] = e.message
	}
	if e.code == codeService {
		body["Type"] = "Service"
	}
	if e.reason != "" {
		body["Reason"] = e.reason
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h[headerErrorType] = []string{e.code}
	writeJSON(w, e.status, b)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
