package runtimeapi

import "testing"

// An /error body of type application/vnd.aws.lambda.error.cause+json reaches
// the caller without its cause, or as "Invalid error body" when it does not
// parse, as RIE's invocation error handler does; other bodies pass unchanged.
func TestErrorCauseBody(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want, wantContentType   string
	}{
		{"cause stripped", contentTypeErrorCause,
			`{"errorMessage":"boom","errorType":"Broken","stackTrace":["at x"],"errorCause":{"paths":[]}}`,
			`{"errorMessage":"boom","errorType":"Broken","stackTrace":["at x"]}`, "application/json"},
		{"no stack trace", contentTypeErrorCause, `{"errorMessage":"boom","errorType":"Broken"}`,
			`{"errorMessage":"boom","errorType":"Broken"}`, "application/json"},
		{"not JSON", contentTypeErrorCause, `<<not json>>`, `"Invalid error body"`, "application/octet-stream"},
		{"stack trace of objects", contentTypeErrorCause, `{"errorMessage":"m","stackTrace":[{"line":1}]}`,
			`"Invalid error body"`, "application/octet-stream"},
		{"empty", contentTypeErrorCause, ``, `"Invalid error body"`, "application/octet-stream"},
		{"plain error body passes through", "application/json", `<<not json>>`, `<<not json>>`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.s.Reset()
			h.readyThenInvoke(invocation("r"))
			hdr := map[string]string{"Content-Type": tt.contentType, HeaderErrorType: "Function.Broken"}
			if status, _, _ := h.do("POST", "invocation/r/error", []byte(tt.body), hdr); status != 202 {
				t.Fatalf("status %d", status)
			}
			ev := h.event(EventError)
			if string(ev.Body) != tt.want || ev.ContentType != tt.wantContentType || ev.ErrorType != "Function.Broken" {
				t.Fatalf("event body %s (%s), type %s; want %s (%s)", ev.Body, ev.ContentType, ev.ErrorType, tt.want, tt.wantContentType)
			}
		})
	}
}
