package apigw

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// answerRecorder notes whether the handler answered at all.
type answerRecorder struct {
	*httptest.ResponseRecorder
	answered bool
}

func (r *answerRecorder) WriteHeader(code int) {
	r.answered = true
	r.ResponseRecorder.WriteHeader(code)
}
func (r *answerRecorder) Write(b []byte) (int, error) {
	r.answered = true
	return r.ResponseRecorder.Write(b)
}

// FuzzFrontDoor sends arbitrary requests and function outputs through the
// front door: it must never panic, must always answer with a valid status,
// and every event it sends must be a payload 2.0 event.
func FuzzFrontDoor(f *testing.F) {
	f.Add("GET", "/orders/42?a=1&a=2", "", "Cookie", "a=1; b=2", `{"statusCode":200,"body":"ok"}`)
	f.Add("POST", "/files/a/b", "\x00\xff", "Content-Type", "image/png", `{"statusCode":200,"isBase64Encoded":true,"body":"AA=="}`)
	f.Add("PUT", "/lambda-url/Hook/x", "{}", "X-Multi", "1", `"bare"`)
	f.Add("DELETE", "//%zz/..;/", "x", "Content-Type", "text/plain", `not json`)
	f.Add("get", "/", "", "", "", `{"statusCode":99999,"cookies":[1]}`)
	routes := []Route{
		{"GET", "/orders/{id}", "Orders"},
		{"ANY", "/files/{proxy+}", "Files"},
		{"POST", "/", "Root"},
		{"ANY", DefaultRoute, "Default"},
	}
	f.Fuzz(func(t *testing.T, method, target, body, hname, hvalue, out string) {
		invoke := func(_ context.Context, fn string, payload []byte) ([]byte, string, error) {
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(payload, &ev); err != nil {
				t.Fatalf("event is not JSON: %v\n%s", err, payload)
			}
			// JSON carries only UTF-8; net/http never lets such a method through.
			if ev.Version != "2.0" || (utf8.ValidString(method) && ev.RequestContext.HTTP.Method != method) {
				t.Fatalf("event version %q method %q", ev.Version, ev.RequestContext.HTTP.Method)
			}
			return []byte(out), "", nil
		}
		h, err := New(routes, []string{"Hook"}, invoke, Options{})
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.ParseRequestURI(target)
		if err != nil {
			u = &url.URL{Path: target}
		}
		req := &http.Request{
			Method: method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Host: "127.0.0.1:3000", RemoteAddr: "127.0.0.1:50000",
			Body: io.NopCloser(strings.NewReader(body)),
		}
		if hname != "" {
			req.Header[hname] = []string{hvalue}
		}
		rec := &answerRecorder{ResponseRecorder: httptest.NewRecorder()}
		h.ServeHTTP(rec, req)
		if !rec.answered || rec.Code < 100 || rec.Code > 599 {
			t.Fatalf("no answer (answered %v, status %d)", rec.answered, rec.Code)
		}
	})
}
