package lambdaapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// Payload limits of the Invoke API (lambda-spec.md §5, §7).
const (
	maxSyncPayload  = 6 * 1024 * 1024 // RequestResponse
	maxAsyncPayload = 1024 * 1024     // Event
	maxLogTail      = 4096            // X-Amz-Log-Result: the last 4 KB
)

func (s *Server) invoke(w http.ResponseWriter, r *http.Request) {
	requestID := w.Header()[headerRequestID][0]
	invocationType := r.Header.Get(headerInvocationType)
	if invocationType == "" {
		invocationType = "RequestResponse"
	}
	limit := int64(maxSyncPayload)
	switch invocationType {
	case "RequestResponse", "DryRun":
	case "Event":
		limit = maxAsyncPayload
	default:
		writeError(w, enumError("invocationType", invocationType, "[Event, RequestResponse, DryRun]"))
		return
	}
	logType := r.Header.Get(headerLogType)
	if logType != "" && logType != "None" && logType != "Tail" {
		writeError(w, enumError("logType", logType, "[None, Tail]"))
		return
	}
	payload, aerr := readPayload(r, limit, invocationType)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	ref, ok := s.target(w, r)
	if !ok {
		return
	}
	clientContext, aerr := decodeClientContext(r.Header.Get(headerClientContext))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	req := platform.Request{
		Function: ref.name, RequestID: requestID, Payload: payload, InvokedARN: ref.arn,
		ClientContext: clientContext, TraceID: r.Header.Get("X-Amzn-Trace-Id"),
		Tail: logType == "Tail",
	}
	switch invocationType {
	case "DryRun":
		w.WriteHeader(http.StatusNoContent)
	case "Event":
		req.ClientContext, req.Tail = "", false // both are for synchronous invokes only
		s.enqueue(req)
		w.WriteHeader(http.StatusAccepted)
	default:
		s.invokeSync(w, r, req)
	}
}

func (s *Server) invokeSync(w http.ResponseWriter, r *http.Request, req platform.Request) {
	res, err := s.p.Invoke(r.Context(), req)
	if err != nil {
		if r.Context().Err() == nil {
			writeError(w, invokeError(err, s.p.FunctionARN(req.Function)))
		}
		return
	}
	h := w.Header()
	h[headerExecutedVersion] = []string{platform.VersionLatest}
	if res.FunctionError != "" {
		h[headerFunctionError] = []string{res.FunctionError}
	}
	if req.Tail {
		tail := res.Log
		if len(tail) > maxLogTail {
			tail = tail[len(tail)-maxLogTail:]
		}
		h[headerLogResult] = []string{base64.StdEncoding.EncodeToString(tail)}
	}
	writeJSON(w, http.StatusOK, res.Payload)
}

func invokeError(err error, arn string) *apiError {
	switch {
	case errors.Is(err, platform.ErrFunctionNotFound):
		return notFound(arn)
	case errors.Is(err, platform.ErrReservedConcurrency):
		return &apiError{http.StatusTooManyRequests, codeTooManyRequests, "Rate Exceeded.", reasonReservedConcurrencyLimit}
	case errors.Is(err, platform.ErrTooManyRequests):
		return &apiError{http.StatusTooManyRequests, codeTooManyRequests, "Rate Exceeded.", reasonConcurrencyLimit}
	case errors.Is(err, platform.ErrShuttingDown):
		return &apiError{http.StatusInternalServerError, codeService, "coldstart is shutting down", ""}
	default:
		return &apiError{http.StatusInternalServerError, codeService, err.Error(), ""}
	}
}

// readPayload reads the body, enforcing the size limit of the invocation type
// and that it is JSON. An empty body is the empty object, as on Lambda.
func readPayload(r *http.Request, limit int64, invocationType string) ([]byte, *apiError) {
	tooLarge := func(n int64) *apiError {
		return &apiError{http.StatusRequestEntityTooLarge, codeRequestTooLarge,
			fmt.Sprintf("%d byte payload is too large for the %s invocation type (limit %d bytes)", n, invocationType, limit), ""}
	}
	if r.ContentLength > limit {
		return nil, tooLarge(r.ContentLength)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, &apiError{http.StatusBadRequest, codeInvalidRequest, "Could not read request body: " + err.Error(), ""}
	}
	if int64(len(body)) > limit {
		rest, _ := io.Copy(io.Discard, r.Body)
		return nil, tooLarge(int64(len(body)) + rest)
	}
	if len(body) == 0 {
		return []byte("{}"), nil
	}
	if !json.Valid(body) {
		var v any
		detail := "invalid JSON"
		if err := json.Unmarshal(body, &v); err != nil {
			detail = err.Error()
		}
		return nil, &apiError{http.StatusBadRequest, codeInvalidRequest,
			"Could not parse request body into json: Could not parse payload into json: " + detail, ""}
	}
	return body, nil
}

// decodeClientContext turns X-Amz-Client-Context (base64 JSON) into the JSON
// the runtime receives.
func decodeClientContext(v string) (string, *apiError) {
	if v == "" {
		return "", nil
	}
	bad := &apiError{http.StatusBadRequest, codeInvalidRequest, "Client context must be a valid Base64-encoded JSON object.", ""}
	if len(v) > maxClientContextEncoded {
		bad.message = "Client context must be at most " + strconv.Itoa(maxClientContextEncoded) + " bytes when Base64-encoded."
		return "", bad
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || !json.Valid(raw) {
		return "", bad
	}
	return string(raw), nil
}

func enumError(field, value, set string) *apiError {
	return &apiError{http.StatusBadRequest, codeValidation, fmt.Sprintf(
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: %s",
		value, field, set), ""}
}
