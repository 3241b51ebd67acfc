package apigw

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// fake is an Invoker that records each event and answers with out (or
// whatever respond returns).
type fake struct {
	mu      sync.Mutex
	calls   []call
	out     string
	fnErr   string
	err     error
	respond func(function string, ev events.APIGatewayV2HTTPRequest) string
}

type call struct {
	function string
	raw      []byte
	event    events.APIGatewayV2HTTPRequest
}

func (f *fake) invoke(_ context.Context, function string, payload []byte) ([]byte, string, error) {
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, "", err
	}
	f.mu.Lock()
	f.calls = append(f.calls, call{function: function, raw: payload, event: ev})
	f.mu.Unlock()
	if f.err != nil {
		return nil, "", f.err
	}
	if f.respond != nil {
		return []byte(f.respond(function, ev)), f.fnErr, nil
	}
	out := f.out
	if out == "" {
		out = `{"statusCode":200,"body":"ok"}`
	}
	return []byte(out), f.fnErr, nil
}

// last returns the most recent call, failing when there was none.
func (f *fake) last(t *testing.T) call {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatal("the function was not invoked")
	}
	return f.calls[len(f.calls)-1]
}

var fixedNow = time.Date(2026, 3, 12, 19, 3, 58, 390e6, time.UTC)

// newFront builds a front door over f, failing the test on error.
func newFront(t *testing.T, routes []Route, urls []string, f *fake) http.Handler {
	t.Helper()
	h, err := New(routes, urls, f.invoke, Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// do sends one request through h and returns the recorded answer.
func do(h http.Handler, method, target, body string, header ...string) *http.Response {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
