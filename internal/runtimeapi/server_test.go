package runtimeapi

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// harness is a Runtime API server with a runtime-side client.
type harness struct {
	t   *testing.T
	s   *Server
	url string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	s := NewServer()
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.CloseClientConnections()
		ts.Close()
	})
	return &harness{t: t, s: s, url: ts.URL + "/2018-06-01/runtime/"}
}

func (h *harness) do(method, path string, body []byte, hdr map[string]string) (int, http.Header, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// nextInBackground calls /next from a goroutine that may outlive the test.
func (h *harness) nextInBackground() {
	go func() {
		resp, err := http.Get(h.url + "invocation/next")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
}

func (h *harness) event(want EventKind) Event {
	h.t.Helper()
	select {
	case ev := <-h.s.Events():
		if ev.Kind != want {
			h.t.Fatalf("event %v, want %v", ev.Kind, want)
		}
		return ev
	case <-time.After(5 * time.Second):
		h.t.Fatalf("no %v event", want)
	}
	return Event{}
}

func (h *harness) noEvent() {
	h.t.Helper()
	select {
	case ev := <-h.s.Events():
		h.t.Fatalf("unexpected event %+v", ev)
	default:
	}
}

func invocation(id string) *Invocation {
	return &Invocation{
		RequestID: id, Deadline: time.UnixMilli(1542409706888),
		FunctionARN:   "arn:aws:lambda:us-east-1:123456789012:function:f",
		TraceID:       "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
		ClientContext: `{"custom":{"a":"b"}}`, CognitoIdentity: `{"cognitoIdentityId":"i","cognitoIdentityPoolId":"p"}`,
		Payload: []byte(`"hi"`),
	}
}

// ready starts the runtime's first /next in the background and waits for EventReady.
func (h *harness) readyThenInvoke(inv *Invocation) (status int, hdr http.Header, body string) {
	h.t.Helper()
	done := make(chan struct{})
	go func() {
		status, hdr, body = h.do("GET", "invocation/next", nil, nil)
		close(done)
	}()
	h.event(EventReady)
	h.s.Invoke(inv)
	<-done
	return
}

func TestNextDeliversEventWithEveryHeader(t *testing.T) {
	h := newHarness(t)
	h.s.Reset()
	status, hdr, body := h.readyThenInvoke(invocation("req-1"))
	if status != 200 || body != `"hi"` {
		t.Fatalf("next = %d %q", status, body)
	}
	want := map[string]string{
		HeaderRequestID:       "req-1",
		HeaderDeadlineMS:      "1542409706888",
		HeaderFunctionARN:     "arn:aws:lambda:us-east-1:123456789012:function:f",
		HeaderTraceID:         "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
		HeaderClientContext:   `{"custom":{"a":"b"}}`,
		HeaderCognitoIdentity: `{"cognitoIdentityId":"i","cognitoIdentityPoolId":"p"}`,
		"Content-Type":        "application/json",
	}
	for k, v := range want {
		if got := hdr.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if _, ok := hdr[HeaderTenantID]; ok {
		t.Errorf("empty tenant id header must be absent")
	}
}

func TestResponseLifecycle(t *testing.T) {
	h := newHarness(t)
	h.s.Reset()
	h.readyThenInvoke(invocation("req-1"))

	status, _, body := h.do("POST", "invocation/req-1/response", []byte(`"HI"`), map[string]string{"Content-Type": "application/octet-stream"})
	if status != 202 || body != `{"status":"OK"}` {
		t.Fatalf("response = %d %s", status, body)
	}
	ev := h.event(EventResponse)
	if ev.RequestID != "req-1" || string(ev.Body) != `"HI"` || ev.ContentType != "application/octet-stream" {
		t.Fatalf("event = %+v", ev)
	}

	// A second response for the same id is refused with RIE's exact words.
	status, _, body = h.do("POST", "invocation/req-1/response", []byte(`"again"`), nil)
	wantBody := `{"errorMessage":"State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State transition is not allowed","errorType":"InvalidStateTransition"}`
	if status != 403 || body != wantBody {
		t.Fatalf("second response = %d %s", status, body)
	}
	status, _, _ = h.do("POST", "invocation/req-1/error", []byte(`{}`), nil)
	if status != 403 {
		t.Fatalf("error after response = %d, want 403", status)
	}
	h.noEvent()

	// The invoke completes when the runtime asks for the next one.
	h.nextInBackground()
	if ev := h.event(EventDone); ev.RequestID != "req-1" {
		t.Fatalf("done for %q", ev.RequestID)
	}
}

func TestBadCalls(t *testing.T) {
	h := newHarness(t)
	h.s.Reset()
	h.readyThenInvoke(invocation("req-1"))
	tests := []struct {
		name, method, path string
		status             int
		body               string
	}{
		{"unknown id", "POST", "invocation/nope/response", 400, `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`},
		{"empty id", "POST", "invocation//error", 400, `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`},
		{"init error after init", "POST", "init/error", 403, `{"errorMessage":"State transition from Running to InitError failed for runtime. Error: State transition is not allowed","errorType":"InvalidStateTransition"}`},
		{"wrong method", "POST", "invocation/next", 405, ""},
		{"unknown path", "GET", "invocation/req-1/bogus", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := h.do(tt.method, tt.path, []byte(`{}`), nil)
			if status != tt.status || (tt.body != "" && body != tt.body) {
				t.Fatalf("got %d %s, want %d %s", status, body, tt.status, tt.body)
			}
		})
	}
	h.noEvent()
}

func TestNextWhileRunningRedelivers(t *testing.T) {
	h := newHarness(t)
	h.s.Reset()
	h.readyThenInvoke(invocation("req-1"))
	status, hdr, body := h.do("GET", "invocation/next", nil, nil)
	if status != 200 || hdr.Get(HeaderRequestID) != "req-1" || body != `"hi"` {
		t.Fatalf("redelivery = %d %s %q", status, hdr.Get(HeaderRequestID), body)
	}
	h.noEvent()
}

func TestErrorTypes(t *testing.T) {
	tests := []struct {
		name, header, want string
	}{
		{"kept", "Runtime.NoSuchHandler", "Runtime.NoSuchHandler"},
		{"function prefix", "Function.lowercase", "Function.Unknown"},
		{"free text", "Unhandled", "Runtime.Unknown"},
		{"absent", "", "Runtime.Unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.s.Reset()
			h.readyThenInvoke(invocation("r"))
			body := `{"errorMessage":"boom","errorType":"errorString","stackTrace":[{"path":"x","line":1,"label":"y"}]}`
			hdr := map[string]string{}
			if tt.header != "" {
				hdr[HeaderErrorType] = tt.header
			}
			if status, _, _ := h.do("POST", "invocation/r/error", []byte(body), hdr); status != 202 {
				t.Fatalf("status %d", status)
			}
			ev := h.event(EventError)
			if ev.ErrorType != tt.want || string(ev.Body) != body {
				t.Fatalf("event type %q body %s", ev.ErrorType, ev.Body)
			}
		})
	}
}

func TestOversizeResponse(t *testing.T) {
	h := newHarness(t)
	h.s.Reset()
	h.readyThenInvoke(invocation("r"))
	big := bytes.Repeat([]byte("a"), MaxPayload+1)
	status, _, body := h.do("POST", "invocation/r/response", big, nil)
	if status != 413 || body != `{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}` {
		t.Fatalf("got %d %s", status, body)
	}
	ev := h.event(EventError)
	want := `{"errorMessage":"Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`
	if ev.ErrorType != ErrorTypeResponseTooLarge || string(ev.Body) != want {
		t.Fatalf("event %q %s", ev.ErrorType, ev.Body)
	}
	// Exactly the limit is fine.
	h2 := newHarness(t)
	h2.s.Reset()
	h2.readyThenInvoke(invocation("r"))
	if status, _, _ := h2.do("POST", "invocation/r/response", big[:MaxPayload], nil); status != 202 {
		t.Fatalf("limit-sized response = %d", status)
	}
	h2.event(EventResponse)
}

func TestResponseModeHeader(t *testing.T) {
	h := newHarness(t)
	h.s.Reset()
	h.readyThenInvoke(invocation("r"))
	status, _, _ := h.do("POST", "invocation/r/response", []byte(`{}`), map[string]string{HeaderResponseMode: "buffered"})
	if status != 400 {
		t.Fatalf("status %d", status)
	}
	if ev := h.event(EventError); ev.ErrorType != ErrorTypeInvalidResponseMode {
		t.Fatalf("type %q", ev.ErrorType)
	}
}

func TestStreamingErrorTrailer(t *testing.T) {
	h := newHarness(t)
	h.s.Reset()
	h.readyThenInvoke(invocation("r"))
	errBody := `{"errorMessage":"mid-stream","errorType":"Function.StreamBroke"}`
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", h.url+"invocation/r/response", pr)
	req.Trailer = http.Header{HeaderErrorType: nil, HeaderErrorBody: nil}
	go func() {
		pw.Write([]byte("partial"))
		req.Trailer.Set(HeaderErrorType, "Function.StreamBroke")
		req.Trailer.Set(HeaderErrorBody, base64.StdEncoding.EncodeToString([]byte(errBody)))
		pw.Close()
	}()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ev := h.event(EventError)
	if ev.ErrorType != "Function.StreamBroke" || string(ev.Body) != errBody {
		t.Fatalf("event %q %s", ev.ErrorType, ev.Body)
	}
}

func TestInitError(t *testing.T) {
	h := newHarness(t)
	h.s.Reset()
	status, _, _ := h.do("POST", "init/error", []byte(`{"errorMessage":"no handler","errorType":"Runtime.NoSuchHandler"}`),
		map[string]string{HeaderErrorType: "Runtime.NoSuchHandler"})
	if status != 202 {
		t.Fatalf("status %d", status)
	}
	ev := h.event(EventInitError)
	if ev.ErrorType != "Runtime.NoSuchHandler" || !strings.Contains(string(ev.Body), "no handler") {
		t.Fatalf("event %+v", ev)
	}
	if status, _, body := h.do("GET", "invocation/next", nil, nil); status != 403 || !strings.Contains(body, "from InitError to Ready") {
		t.Fatalf("next after init error = %d %s", status, body)
	}
}

func TestResetAbandonsWaitingNext(t *testing.T) {
	h := newHarness(t)
	h.s.Reset()
	result := make(chan int, 1)
	go func() {
		status, _, _ := h.do("GET", "invocation/next", nil, nil)
		result <- status
	}()
	h.event(EventReady)
	gen := h.s.Reset()
	h.s.Invoke(invocation("new"))
	if status := <-result; status != 500 {
		t.Fatalf("stale next = %d, want 500", status)
	}
	// The new runtime gets the invoke after its first /next.
	h.nextInBackground()
	if ev := h.event(EventReady); ev.Gen != gen {
		t.Fatalf("gen %d, want %d", ev.Gen, gen)
	}
}
