package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Runtime API status codes (lambda-spec.md §1); anything else is a bug.
var documentedStatus = map[int]bool{
	http.StatusOK: true, http.StatusAccepted: true, http.StatusBadRequest: true, http.StatusForbidden: true,
	http.StatusNotFound: true, http.StatusMethodNotAllowed: true, http.StatusRequestEntityTooLarge: true,
	http.StatusInternalServerError: true,
}

// Steps of a fuzzed runtime's script: each byte of the script is one.
const (
	stepReset     = iota // the platform starts a new runtime process
	stepInvoke           // the platform hands out invoke "r1"
	stepNext             // GET /next
	stepResponse         // POST /invocation/r1/response with the fuzzed body
	stepError            // POST /invocation/r1/error with the fuzzed header
	stepInitError        // POST /init/error with the fuzzed header
	stepFuzzed           // the fuzzed method and path, with headers and body
	stepFuzzedID         // POST /invocation/{fuzzed id}/response
	steps
)

// FuzzServer drives the Runtime API's state machine with a script of
// requests, some of them fuzzed: whatever a runtime sends, the server must
// not panic or block, must answer with a status from the documented set and
// Lambda's error body, and must report only events that belong to the
// invoke it handed out.
func FuzzServer(f *testing.F) {
	f.Add([]byte{stepInvoke, stepNext, stepResponse, stepNext}, "GET", "invocation/next", "", []byte(`{"ok":true}`))
	f.Add([]byte{stepInitError, stepNext, stepReset, stepNext, stepInvoke, stepError, stepNext}, "POST", "init/error", "Runtime.Crash", []byte(`{"errorMessage":"x"}`))
	f.Add([]byte{stepNext, stepInvoke, stepNext, stepFuzzed, stepFuzzedID, stepResponse, stepResponse}, "POST", "invocation/r1/response", "streaming", []byte("{"))
	f.Add([]byte{stepInvoke, stepNext, stepFuzzed, stepNext}, "POST", "invocation/r1/error", "Function.Bad", []byte{})
	f.Add([]byte{stepFuzzed, stepFuzzed}, "DELETE", "../invocation/next?x=1", "\x00", []byte{0xff})
	f.Add([]byte{stepInvoke, stepNext, stepFuzzedID}, "PUT", "", "bogus", []byte("null"))
	f.Fuzz(func(t *testing.T, script []byte, method, path, header string, body []byte) {
		if len(script) > 64 {
			script = script[:64]
		}
		s := NewServer()
		defer s.Close()
		invoked := false
		for _, b := range script {
			var req *http.Request
			switch b % steps {
			case stepReset:
				s.Reset()
				invoked = false
				continue
			case stepInvoke:
				s.Invoke(&Invocation{RequestID: "r1", Deadline: time.Now().Add(time.Second), Payload: []byte(`{}`)})
				invoked = true
				continue
			case stepNext:
				req = newRequest(http.MethodGet, pathNext, nil)
			case stepResponse:
				req = newRequest(http.MethodPost, pathInvocation+"r1/response", body, HeaderResponseMode, header)
			case stepError:
				req = newRequest(http.MethodPost, pathInvocation+"r1/error", body, HeaderErrorType, header)
			case stepInitError:
				req = newRequest(http.MethodPost, pathInitError, body, HeaderErrorType, header)
			case stepFuzzed:
				req = newRequest(method, pathPrefix+path, body,
					HeaderErrorType, header, HeaderResponseMode, header, "Content-Type", header, HeaderErrorBody, header)
			case stepFuzzedID:
				req = newRequest(http.MethodPost, pathInvocation+url.PathEscape(path)+"/response", body)
			}
			if req == nil {
				continue // not a request a server would pass on
			}
			serve(t, s, req, invoked)
			drain(t, s)
		}
	})
}

// newRequest builds what net/http would hand the handler, or nil for a
// method, target or header it would reject itself; headers are name, value pairs.
func newRequest(method, target string, body []byte, headers ...string) *http.Request {
	if method == "" || strings.ContainsAny(method, " \t\r\n/()<>@,;:\\\"[]?={}") || !utf8Printable(method) {
		return nil
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil
	}
	req, err := http.NewRequest(method, "http://127.0.0.1:9001"+u.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if !validHeaderValue(headers[i+1]) {
			return nil
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	// /next waits for an invoke: a cancelled request makes it answer what
	// it can at once and return, as a runtime that hung up would.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return req.WithContext(ctx)
}

// validHeaderValue is net/http's rule: no control bytes but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func utf8Printable(s string) bool {
	for _, r := range s {
		if r <= ' ' || r >= 0x7f {
			return false
		}
	}
	return true
}

// recorder notes whether the handler answered at all: a /next whose
// caller went away writes nothing.
type recorder struct {
	*httptest.ResponseRecorder
	wrote bool
}

func (r *recorder) WriteHeader(code int) { r.wrote = true; r.ResponseRecorder.WriteHeader(code) }
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseRecorder.Write(b)
}

func serve(t *testing.T, s *Server, req *http.Request, invoked bool) {
	t.Helper()
	rec := &recorder{ResponseRecorder: httptest.NewRecorder()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.ServeHTTP(rec, req)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s %s blocked", req.Method, req.URL)
	}
	if !rec.wrote {
		if req.URL.Path != pathNext || req.Method != http.MethodGet {
			t.Fatalf("%s %s: no answer", req.Method, req.URL)
		}
		return
	}
	code := rec.Code
	if !documentedStatus[code] {
		t.Fatalf("%s %s: status %d not in the documented set", req.Method, req.URL, code)
	}
	switch {
	case code == http.StatusOK:
		if req.URL.Path != pathNext || !invoked || rec.Header().Get(HeaderRequestID) != "r1" {
			t.Fatalf("%s %s: 200 with request id %q (invoked %v)", req.Method, req.URL, rec.Header().Get(HeaderRequestID), invoked)
		}
	case code >= 400:
		var e errorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.ErrorType == "" {
			t.Fatalf("%s %s: %d with body %q, want Lambda's error object", req.Method, req.URL, code, rec.Body.Bytes())
		}
	}
}

// drain takes the server's events, checking they belong to the invoke.
func drain(t *testing.T, s *Server) {
	t.Helper()
	for {
		select {
		case ev := <-s.Events():
			switch ev.Kind {
			case EventResponse, EventError, EventDone:
				if ev.RequestID != "r1" {
					t.Fatalf("%v event for request %q, which was never invoked", ev.Kind, ev.RequestID)
				}
			case EventReady, EventInitError:
			default:
				t.Fatalf("unknown event %+v", ev)
			}
			if (ev.Kind == EventError || ev.Kind == EventInitError) && (ev.ErrorType == "" || len(ev.Body) == 0) {
				t.Fatalf("%v event without error type or body: %+v", ev.Kind, ev)
			}
		default:
			return
		}
	}
}
