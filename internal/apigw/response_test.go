package apigw

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

func TestFrontDoorResponseMapping(t *testing.T) {
	tests := []struct {
		name   string
		out    string
		status int
		body   string
		header map[string][]string // canonical names; nil value = must be absent
	}{
		{"structured", `{"statusCode":201,"headers":{"content-type":"application/json","x-a":"1,2"},"body":"{\"id\":\"o1\"}"}`,
			201, `{"id":"o1"}`, map[string][]string{"Content-Type": {"application/json"}, "X-A": {"1,2"}}},
		{"multi-value headers", `{"statusCode":200,"headers":{"x-a":"h"},"multiValueHeaders":{"x-b":["1","2"],"x-a":["m"]},"body":""}`,
			200, "", map[string][]string{"X-B": {"1", "2"}, "X-A": {"h", "m"}}},
		{"cookies", `{"statusCode":200,"cookies":["a=1; Path=/","b=2; HttpOnly"],"body":"hi"}`,
			200, "hi", map[string][]string{"Set-Cookie": {"a=1; Path=/", "b=2; HttpOnly"}}},
		{"base64 body", `{"statusCode":200,"headers":{"content-type":"image/png"},"isBase64Encoded":true,"body":"iVBORw0KGgo="}`,
			200, "\x89PNG\r\n\x1a\n", map[string][]string{"Content-Type": {"image/png"}}},
		{"no content type is not sniffed", `{"statusCode":200,"body":"<html></html>"}`,
			200, "<html></html>", map[string][]string{"Content-Type": nil}},
		{"status only", `{"statusCode":204}`, 204, "", nil},
		{"bare object", `{"message":"hi"}`, 200, `{"message":"hi"}`, map[string][]string{"Content-Type": {"application/json"}}},
		{"bare string keeps its quotes", `"Hello, world!"`, 200, `"Hello, world!"`, map[string][]string{"Content-Type": {"application/json"}}},
		{"bare number", `42`, 200, `42`, map[string][]string{"Content-Type": {"application/json"}}},
		{"bare null", `null`, 200, `null`, nil},
		{"bare array", `[1,2]`, 200, `[1,2]`, nil},
		{"not JSON", `hello`, 500, `{"message":"Internal Server Error"}`, nil},
		{"statusCode not a number", `{"statusCode":"abc"}`, 500, `{"message":"Internal Server Error"}`, nil},
		{"statusCode out of range", `{"statusCode":42}`, 500, `{"message":"Internal Server Error"}`, nil},
		{"bad base64", `{"statusCode":200,"isBase64Encoded":true,"body":"%%%"}`, 500, `{"message":"Internal Server Error"}`, nil},
		{"header with newline", `{"statusCode":200,"headers":{"x-a":"1\r\nx-b: 2"}}`, 500, `{"message":"Internal Server Error"}`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newFront(t, []Route{{"GET", "/", "Fn"}}, nil, &fake{out: tc.out})
			resp := do(h, "GET", "/", "")
			body := readBody(t, resp)
			if resp.StatusCode != tc.status || body != tc.body {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, body, tc.status, tc.body)
			}
			for k, want := range tc.header {
				got := resp.Header.Values(k)
				if want == nil && len(got) > 0 {
					t.Errorf("header %s = %q, want none", k, got)
				}
				if want != nil {
					slices.Sort(got)
					if !slices.Equal(got, want) {
						t.Errorf("header %s = %q, want %q", k, got, want)
					}
				}
			}
			if resp.Header.Get("Apigw-Requestid") == "" {
				t.Error("no apigw-requestid header")
			}
		})
	}
}

func TestFrontDoorErrors(t *testing.T) {
	throttled := fmt.Errorf("invoke: %w", platform.ErrTooManyRequests)
	tests := []struct {
		name    string
		f       *fake
		url     bool
		status  int
		body    string
		ctype   string
		timeout time.Duration
	}{
		{"function error", &fake{out: `{"errorMessage":"boom"}`, fnErr: "Unhandled"}, false, 500, `{"message":"Internal Server Error"}`, "application/json", 0},
		{"throttle", &fake{err: throttled}, false, 429, `{"message":"Too Many Requests"}`, "application/json", 0},
		{"platform failure", &fake{err: platform.ErrShuttingDown}, false, 500, `{"message":"Internal Server Error"}`, "application/json", 0},
		{"integration timeout", &fake{err: context.DeadlineExceeded}, false, 503, `{"message":"Service Unavailable"}`, "application/json", time.Nanosecond},
		{"url function error", &fake{out: `{"errorMessage":"boom"}`, fnErr: "Unhandled"}, true, 502, "Internal Server Error", "text/plain; charset=utf-8", 0},
		{"url malformed response", &fake{out: `not json`}, true, 502, "Internal Server Error", "text/plain; charset=utf-8", 0},
		{"url throttle", &fake{err: throttled}, true, 429, `{"message":"Too Many Requests"}`, "application/json", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logged []string
			opts := Options{IntegrationTimeout: tc.timeout, Logf: func(format string, args ...any) {
				logged = append(logged, fmt.Sprintf(format, args...))
			}}
			invoke := tc.f.invoke
			if tc.timeout > 0 {
				// The fake answers only once the integration timeout has passed.
				invoke = func(ctx context.Context, fn string, p []byte) ([]byte, string, error) {
					<-ctx.Done()
					return nil, "", ctx.Err()
				}
			}
			h, err := New([]Route{{"POST", "/", "Fn"}}, []string{"Fn"}, invoke, opts)
			if err != nil {
				t.Fatal(err)
			}
			target := "/"
			if tc.url {
				target = "/lambda-url/Fn/"
			}
			resp := do(h, "POST", target, `{}`, "Content-Type", "application/json")
			body := readBody(t, resp)
			if resp.StatusCode != tc.status || body != tc.body {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, body, tc.status, tc.body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != tc.ctype {
				t.Errorf("content-type %q, want %q", ct, tc.ctype)
			}
			if len(logged) != 1 {
				t.Errorf("logged %q, want one line saying why", logged)
			}
		})
	}
}

func TestFrontDoorBodyLimits(t *testing.T) {
	f := &fake{}
	h, err := New([]Route{{"POST", "/", "Fn"}}, []string{"Fn"}, f.invoke, Options{MaxBodyBytes: 100, MaxEventBytes: 2000})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, target, body string
		status             int
		respBody           string
	}{
		{"at the limit", "/", strings.Repeat("a", 100), 200, "ok"},
		{"over the HTTP API limit", "/", strings.Repeat("a", 101), 413, `{"message":"Request Entity Too Large"}`},
		{"event over Lambda's limit", "/lambda-url/Fn/", strings.Repeat("\x00", 1500), 413, "Request Entity Too Large"},
		{"url body over Lambda's limit", "/lambda-url/Fn/", strings.Repeat("a", 2001), 413, "Request Entity Too Large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(h, "POST", tc.target, tc.body, "Content-Type", "text/plain")
			if body := readBody(t, resp); resp.StatusCode != tc.status || body != tc.respBody {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.status, tc.respBody)
			}
		})
	}
	// An event over Lambda's limit through the HTTP API: Lambda refuses the
	// invoke and API Gateway answers 500.
	h, err = New([]Route{{"POST", "/", "Fn"}}, nil, f.invoke, Options{MaxEventBytes: 2000})
	if err != nil {
		t.Fatal(err)
	}
	resp := do(h, "POST", "/", strings.Repeat("\x00", 1500), "Content-Type", "application/octet-stream")
	if body := readBody(t, resp); resp.StatusCode != 500 || body != `{"message":"Internal Server Error"}` {
		t.Errorf("HTTP API event over the payload limit: %d %q", resp.StatusCode, body)
	}
}

func TestFrontDoorNilInvoker(t *testing.T) {
	if _, err := New(nil, nil, nil, Options{}); err == nil {
		t.Fatal("New accepted a nil Invoker")
	}
}
