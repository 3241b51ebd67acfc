package apigw

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestFrontDoorEvent(t *testing.T) {
	f := &fake{}
	h := newFront(t, []Route{{"POST", "/orders/{id}", "Orders"}}, nil, f)
	do(h, "POST", "http://example.test:3000/orders/42?a=1&a=2&b=x%20y&c=&flag", `{"sku":"tea"}`,
		"Content-Type", "application/json",
		"User-Agent", "curl/8.0",
		"X-Multi", "one", "X-Multi", "two",
		"Cookie", "session=abc; theme=dark", "Cookie", "lang=en")
	c := f.last(t)
	ev := c.event
	if ev.Version != "2.0" || ev.RouteKey != "POST /orders/{id}" || ev.RawPath != "/orders/42" {
		t.Errorf("version %q routeKey %q rawPath %q", ev.Version, ev.RouteKey, ev.RawPath)
	}
	if ev.RawQueryString != "a=1&a=2&b=x%20y&c=&flag" {
		t.Errorf("rawQueryString %q", ev.RawQueryString)
	}
	wantQuery := map[string]string{"a": "1,2", "b": "x y", "c": "", "flag": ""}
	if !maps.Equal(ev.QueryStringParameters, wantQuery) {
		t.Errorf("queryStringParameters %v, want %v", ev.QueryStringParameters, wantQuery)
	}
	if want := []string{"session=abc", "theme=dark", "lang=en"}; !slices.Equal(ev.Cookies, want) {
		t.Errorf("cookies %q, want %q", ev.Cookies, want)
	}
	for k, want := range map[string]string{
		"content-type": "application/json", "user-agent": "curl/8.0", "x-multi": "one,two",
		"host": "example.test:3000", "x-forwarded-for": "192.0.2.1", "x-forwarded-proto": "http",
	} {
		if got := ev.Headers[k]; got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	for k := range ev.Headers {
		if k != strings.ToLower(k) {
			t.Errorf("header name %q is not lower-case", k)
		}
	}
	if _, ok := ev.Headers["cookie"]; ok {
		t.Error("the cookie header stayed in headers")
	}
	if !regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$`).MatchString(ev.Headers["x-amzn-trace-id"]) {
		t.Errorf("x-amzn-trace-id %q", ev.Headers["x-amzn-trace-id"])
	}
	if ev.Body != `{"sku":"tea"}` || ev.IsBase64Encoded {
		t.Errorf("body %q base64 %v", ev.Body, ev.IsBase64Encoded)
	}
	if !maps.Equal(ev.PathParameters, map[string]string{"id": "42"}) {
		t.Errorf("pathParameters %v", ev.PathParameters)
	}
	rc := ev.RequestContext
	if rc.AccountID != "123456789012" || rc.Stage != "$default" || rc.RouteKey != "POST /orders/{id}" {
		t.Errorf("accountId %q stage %q routeKey %q", rc.AccountID, rc.Stage, rc.RouteKey)
	}
	if len(rc.APIID) != 10 || rc.DomainPrefix != rc.APIID || rc.DomainName != rc.APIID+".execute-api.us-east-1.amazonaws.com" {
		t.Errorf("apiId %q domainPrefix %q domainName %q", rc.APIID, rc.DomainPrefix, rc.DomainName)
	}
	if rc.Time != "12/Mar/2026:19:03:58 +0000" || rc.TimeEpoch != fixedNow.UnixMilli() {
		t.Errorf("time %q timeEpoch %d", rc.Time, rc.TimeEpoch)
	}
	if rc.HTTP.Method != "POST" || rc.HTTP.Path != "/orders/42" || rc.HTTP.Protocol != "HTTP/1.1" ||
		rc.HTTP.SourceIP != "192.0.2.1" || rc.HTTP.UserAgent != "curl/8.0" {
		t.Errorf("http %+v", rc.HTTP)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{15}=$`).MatchString(rc.RequestID) {
		t.Errorf("requestId %q", rc.RequestID)
	}
	// Fields the spec says are omitted when empty.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(c.raw, &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["stageVariables"]; ok {
		t.Errorf("stageVariables present: %s", c.raw)
	}
	var rawRC map[string]json.RawMessage
	if err := json.Unmarshal(raw["requestContext"], &rawRC); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"authentication", "authorizer"} {
		if _, ok := rawRC[k]; ok {
			t.Errorf("requestContext.%s present without mTLS or an authorizer: %s", k, raw["requestContext"])
		}
	}
	if n := strings.Count(string(c.raw), `"requestContext"`); n != 1 {
		t.Errorf("requestContext appears %d times: %s", n, c.raw)
	}
}

func TestFrontDoorEventOmitsEmpty(t *testing.T) {
	f := &fake{}
	h := newFront(t, []Route{{"GET", "/", "Root"}}, nil, f)
	do(h, "GET", "/", "")
	c := f.last(t)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(c.raw, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"cookies", "queryStringParameters", "pathParameters", "stageVariables", "body"} {
		if _, ok := raw[k]; ok {
			t.Errorf("%s present in %s", k, c.raw)
		}
	}
	for _, k := range []string{"rawQueryString", "headers", "isBase64Encoded"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("%s missing from %s", k, c.raw)
		}
	}
}

func TestFrontDoorBodyEncoding(t *testing.T) {
	binary := string([]byte{0x89, 'P', 'N', 'G', 0, 0xff, 0xfe})
	tests := []struct {
		name, contentType, body string
		base64                  bool
	}{
		{"json", "application/json", `{"a":1}`, false},
		{"json with charset", "application/json; charset=utf-8", `{"a":"é"}`, false},
		{"text", "text/plain", "hello", false},
		{"form", "application/x-www-form-urlencoded", "a=1&b=2", false},
		{"vendor json", "application/vnd.api+json", `{}`, false},
		{"xml", "application/xml", "<a/>", false},
		{"no content type, utf-8", "", "plain words", false},
		{"octet-stream", "application/octet-stream", "abc", true},
		{"image", "image/png", binary, true},
		{"invalid utf-8 labelled text", "text/plain", binary, true},
		{"no content type, binary", "", binary, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fake{}
			h := newFront(t, []Route{{"POST", "/up", "Up"}}, nil, f)
			var hdr []string
			if tc.contentType != "" {
				hdr = []string{"Content-Type", tc.contentType}
			}
			do(h, "POST", "/up", tc.body, hdr...)
			ev := f.last(t).event
			if ev.IsBase64Encoded != tc.base64 {
				t.Fatalf("isBase64Encoded %v, want %v", ev.IsBase64Encoded, tc.base64)
			}
			got := ev.Body
			if tc.base64 {
				b, err := base64.StdEncoding.DecodeString(ev.Body)
				if err != nil {
					t.Fatalf("body %q is not base64: %v", ev.Body, err)
				}
				got = string(b)
			}
			if got != tc.body {
				t.Errorf("body %q, want %q", got, tc.body)
			}
		})
	}
}

func TestFrontDoorFunctionURL(t *testing.T) {
	f := &fake{}
	h := newFront(t, []Route{{"ANY", DefaultRoute, "Default"}}, []string{"Hook"}, f)
	tests := []struct{ target, rawPath, function string }{
		{"/lambda-url/Hook/events/7?x=1", "/events/7", "Hook"},
		{"/lambda-url/Hook/", "/", "Hook"},
		{"/lambda-url/Hook", "/", "Hook"},
		{"/lambda-url/Other/x", "/lambda-url/Other/x", "Default"}, // no URL: the HTTP API's
	}
	for _, tc := range tests {
		resp := do(h, "PUT", tc.target, "payload", "Content-Type", "text/plain")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", tc.target, resp.StatusCode)
		}
		c := f.last(t)
		if c.function != tc.function || c.event.RawPath != tc.rawPath {
			t.Errorf("%s: function %s rawPath %q, want %s %q", tc.target, c.function, c.event.RawPath, tc.function, tc.rawPath)
		}
		if tc.function != "Hook" {
			continue
		}
		ev := c.event
		id := URLID("Hook")
		if ev.RouteKey != "$default" || ev.RequestContext.RouteKey != "$default" || ev.RequestContext.Stage != "$default" {
			t.Errorf("routeKey %q/%q stage %q", ev.RouteKey, ev.RequestContext.RouteKey, ev.RequestContext.Stage)
		}
		if ev.PathParameters != nil || strings.Contains(string(c.raw), "pathParameters") {
			t.Errorf("pathParameters in a Function URL event: %s", c.raw)
		}
		if len(id) != 32 || ev.RequestContext.APIID != id || ev.RequestContext.DomainPrefix != id ||
			ev.RequestContext.DomainName != id+".lambda-url.us-east-1.on.aws" {
			t.Errorf("apiId %q domainName %q, want url-id %q", ev.RequestContext.APIID, ev.RequestContext.DomainName, id)
		}
		if ev.RequestContext.HTTP.Path != tc.rawPath || ev.RequestContext.HTTP.Method != "PUT" {
			t.Errorf("http %+v", ev.RequestContext.HTTP)
		}
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(ev.RequestContext.RequestID) {
			t.Errorf("requestId %q is not a UUID", ev.RequestContext.RequestID)
		}
		if resp.Header.Get("X-Amzn-RequestId") != ev.RequestContext.RequestID {
			t.Errorf("x-amzn-requestid %q, want %q", resp.Header.Get("X-Amzn-RequestId"), ev.RequestContext.RequestID)
		}
	}
}
