package runtimeapi

import "encoding/json"

// contentTypeErrorCause is the /error body type that carries the error and its
// X-Ray cause together.
const contentTypeErrorCause = "application/vnd.aws.lambda.error.cause+json"

// invalidErrorBody is what the invoke caller gets, as a JSON string, when an
// error-with-cause body does not parse (RIE).
const invalidErrorBody = "Invalid error body"

// errorWithCause is the body of contentTypeErrorCause. StackTrace is a list of
// strings here, unlike the free-form body of a plain /error.
type errorWithCause struct {
	ErrorMessage string          `json:"errorMessage"`
	ErrorType    string          `json:"errorType"`
	StackTrace   []string        `json:"stackTrace"`
	ErrorCause   json.RawMessage `json:"errorCause"`
}

// stripErrorCause returns what the invoke caller receives for an
// error-with-cause body, and its content type: the error without its cause,
// or "Invalid error body" when the body does not parse. Notes: the cause goes
// to X-Ray only; the error type of the invoke still comes from the header.
func stripErrorCause(body []byte) ([]byte, string) {
	var e errorWithCause
	if err := json.Unmarshal(body, &e); err != nil {
		b, _ := json.Marshal(invalidErrorBody)
		return b, "application/octet-stream"
	}
	b, _ := json.Marshal(struct {
		ErrorMessage string   `json:"errorMessage"`
		ErrorType    string   `json:"errorType"`
		StackTrace   []string `json:"stackTrace,omitempty"`
	}{e.ErrorMessage, e.ErrorType, e.StackTrace})
	return b, "application/json"
}
