package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/coldstartlab/coldstart/internal/services"
)

var httpAPIRE = regexp.MustCompile(`HTTP API on (http://127\.0\.0\.1:\d+):`)

// startFrontDoor runs serve on template with --http on a free loopback port
// and returns the server and the front door's URL, read from the banner.
func startFrontDoor(t *testing.T, template string) (*server, string) {
	t.Helper()
	s := startServe(t, "--template", template, "--http", "127.0.0.1:0")
	// The banner line follows "listening on", which startServe waited for.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if m := httpAPIRE.FindStringSubmatch(s.stderr.String()); m != nil {
			return s, m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve --http printed no front door URL:\n%s", s.stderr.String())
		}
	}
}

// reply is one answer of the front door.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func send(t *testing.T, method, url string, body []byte, header ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// echoed decodes the event testdata/echo returned as its body.
func echoed(t *testing.T, r reply) events.APIGatewayV2HTTPRequest {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status %d, want 200: %s", r.status, r.body)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(r.body, &ev); err != nil {
		t.Fatalf("body is not an event: %v\n%s", err, r.body)
	}
	return ev
}

// The front door in front of real functions: testdata/echo answers with the
// event it got, so each case sees what a function receives and what the
// client gets back.
func TestFrontDoorServe(t *testing.T) {
	s, base := startFrontDoor(t, "testdata/frontdoor.yaml")
	for _, line := range []string{"GET /items/{id} → Echo", "ANY /files/{proxy+} → Echo", "POST /upper → Uppercase",
		"$default → Echo", base + "/lambda-url/Echo/ → Echo (Function URL)"} {
		if !strings.Contains(s.stderr.String(), line) {
			t.Errorf("banner lacks %q:\n%s", line, s.stderr.String())
		}
	}

	t.Run("path parameters, query string, cookies and headers in", func(t *testing.T) {
		r := send(t, "GET", base+"/items/42?a=1&a=2&b=x%20y", nil,
			"Cookie", "c1=v1; c2=v2", "X-Multi", "1", "X-Multi", "2")
		ev := echoed(t, r)
		if ev.RouteKey != "GET /items/{id}" || ev.RawPath != "/items/42" || ev.RequestContext.HTTP.Method != "GET" {
			t.Errorf("routeKey %q rawPath %q method %q", ev.RouteKey, ev.RawPath, ev.RequestContext.HTTP.Method)
		}
		if !maps.Equal(ev.PathParameters, map[string]string{"id": "42"}) {
			t.Errorf("pathParameters %v", ev.PathParameters)
		}
		if ev.RawQueryString != "a=1&a=2&b=x%20y" || !maps.Equal(ev.QueryStringParameters, map[string]string{"a": "1,2", "b": "x y"}) {
			t.Errorf("rawQueryString %q queryStringParameters %v", ev.RawQueryString, ev.QueryStringParameters)
		}
		if !slices.Equal(ev.Cookies, []string{"c1=v1", "c2=v2"}) || ev.Headers["cookie"] != "" {
			t.Errorf("cookies %q, cookie header %q", ev.Cookies, ev.Headers["cookie"])
		}
		if ev.Headers["x-multi"] != "1,2" || ev.RequestContext.HTTP.SourceIP != "127.0.0.1" {
			t.Errorf("x-multi %q sourceIp %q", ev.Headers["x-multi"], ev.RequestContext.HTTP.SourceIP)
		}
		if got := r.header.Values("X-Echo"); !slices.Equal(got, []string{"one", "two"}) {
			t.Errorf("multiValueHeaders out: x-echo %q", got)
		}
		if r.header.Get("Apigw-Requestid") != ev.RequestContext.RequestID {
			t.Errorf("apigw-requestid %q, event requestId %q", r.header.Get("Apigw-Requestid"), ev.RequestContext.RequestID)
		}
	})

	t.Run("greedy path", func(t *testing.T) {
		ev := echoed(t, send(t, "DELETE", base+"/files/a/b/c.txt", nil))
		if ev.RouteKey != "ANY /files/{proxy+}" || ev.PathParameters["proxy"] != "a/b/c.txt" {
			t.Errorf("routeKey %q pathParameters %v", ev.RouteKey, ev.PathParameters)
		}
	})

	t.Run("default route", func(t *testing.T) {
		ev := echoed(t, send(t, "PUT", base+"/nothing/here", []byte("text"), "Content-Type", "text/plain"))
		if ev.RouteKey != "$default" || ev.PathParameters != nil || ev.Body != "text" || ev.IsBase64Encoded {
			t.Errorf("routeKey %q pathParameters %v body %q base64 %v", ev.RouteKey, ev.PathParameters, ev.Body, ev.IsBase64Encoded)
		}
	})

	binary := []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0xff}
	t.Run("base64 body in", func(t *testing.T) {
		ev := echoed(t, send(t, "POST", base+"/upload", binary, "Content-Type", "application/octet-stream"))
		got, err := base64.StdEncoding.DecodeString(ev.Body)
		if !ev.IsBase64Encoded || err != nil || !bytes.Equal(got, binary) {
			t.Errorf("isBase64Encoded %v body %q (%v), want base64 of %q", ev.IsBase64Encoded, ev.Body, err, binary)
		}
	})

	t.Run("base64 body out", func(t *testing.T) {
		r := send(t, "POST", base+"/upload?binary=1", binary, "Content-Type", "image/png")
		if r.status != 200 || !bytes.Equal(r.body, binary) || r.header.Get("Content-Type") != "image/png" {
			t.Errorf("got %d %q (%s), want 200 %q image/png", r.status, r.body, r.header.Get("Content-Type"), binary)
		}
	})

	t.Run("cookies out", func(t *testing.T) {
		r := send(t, "GET", base+"/items/1?cookies=1", nil)
		if got := r.header.Values("Set-Cookie"); !slices.Equal(got, []string{"a=1; Path=/", "b=2; HttpOnly"}) {
			t.Errorf("set-cookie %q", got)
		}
	})

	t.Run("bare value", func(t *testing.T) {
		r := send(t, "GET", base+"/items/1?bare=1", nil)
		if r.status != 200 || string(r.body) != `{"bare":true,"path":"/items/1"}` || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("got %d %s (%s)", r.status, r.body, r.header.Get("Content-Type"))
		}
	})

	t.Run("status", func(t *testing.T) {
		if r := send(t, "GET", base+"/items/1?status=418", nil); r.status != 418 {
			t.Errorf("status %d, want 418", r.status)
		}
	})

	t.Run("function error", func(t *testing.T) {
		r := send(t, "POST", base+"/upper", []byte(`{"not":"a string"}`), "Content-Type", "application/json")
		if r.status != 500 || string(r.body) != `{"message":"Internal Server Error"}` {
			t.Errorf("got %d %s, want 500 {\"message\":\"Internal Server Error\"}", r.status, r.body)
		}
	})

	t.Run("function URL", func(t *testing.T) {
		r := send(t, "POST", base+"/lambda-url/Echo/hook/x?z=1", []byte(`{"k":1}`), "Content-Type", "application/json")
		ev := echoed(t, r)
		if ev.RouteKey != "$default" || ev.RawPath != "/hook/x" || ev.PathParameters != nil || ev.QueryStringParameters["z"] != "1" {
			t.Errorf("routeKey %q rawPath %q pathParameters %v query %v", ev.RouteKey, ev.RawPath, ev.PathParameters, ev.QueryStringParameters)
		}
		if id := ev.RequestContext.APIID; len(id) != 32 || ev.RequestContext.DomainName != id+".lambda-url.us-east-1.on.aws" {
			t.Errorf("apiId %q domainName %q", id, ev.RequestContext.DomainName)
		}
		if r.header.Get("X-Amzn-Requestid") != ev.RequestContext.RequestID {
			t.Errorf("x-amzn-requestid %q, event requestId %q", r.header.Get("X-Amzn-Requestid"), ev.RequestContext.RequestID)
		}
	})
}

// Seed 002's orders workload reached the way its clients reach it: an HTTP
// POST through the HTTP API, into DynamoDB and SQS, answered 201 {"id":…}.
func TestFrontDoorOrders(t *testing.T) {
	if _, err := services.Find("../../examples"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs the local services (scripts/setup.sh): %v", err)
		}
		t.Skip(err)
	}
	_, base := startFrontDoor(t, "../../examples/template.yaml")
	order := `{"customerId":"c-42","items":[{"sku":"tea","quantity":2,"price":3.5},{"sku":"mug","quantity":1,"price":9}]}`
	r := send(t, "POST", base+"/orders", []byte(order), "Content-Type", "application/json")
	if r.status != 201 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %s (%s), want 201 application/json", r.status, r.body, r.header.Get("Content-Type"))
	}
	var created struct{ ID string }
	if err := json.Unmarshal(r.body, &created); err != nil || created.ID == "" {
		t.Fatalf("body %s: want {\"id\":…}", r.body)
	}
	if r := send(t, "POST", base+"/orders", []byte(`{}`), "Content-Type", "application/json"); r.status != 400 {
		t.Errorf("an empty order: %d %s, want 400", r.status, r.body)
	}
	if r := send(t, "GET", base+"/orders", nil); r.status != 404 || string(r.body) != `{"message":"Not Found"}` {
		t.Errorf("GET /orders: %d %s, want 404 {\"message\":\"Not Found\"}", r.status, r.body)
	}
}
