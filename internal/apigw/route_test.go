package apigw

import (
	"maps"
	"net/http"
	"strings"
	"testing"
)

var routes = []Route{
	{"GET", "/orders", "ListOrders"},
	{"POST", "/orders", "CreateOrder"},
	{"GET", "/orders/{id}", "GetOrder"},
	{"ANY", "/orders/{id}", "AnyOrder"},
	{"GET", "/orders/latest", "Latest"},
	{"GET", "/orders/{id}/lines/{line}", "GetLine"},
	{"ANY", "/files/{proxy+}", "Files"},
	{"GET", "/files/static/{proxy+}", "Static"},
	{"GET", "/", "Root"},
	{"ANY", DefaultRoute, "Default"},
}

func TestFrontDoorRouting(t *testing.T) {
	tests := []struct {
		name, method, path string
		function, routeKey string
		params             map[string]string
	}{
		{"exact GET", "GET", "/orders", "ListOrders", "GET /orders", nil},
		{"exact POST", "POST", "/orders", "CreateOrder", "POST /orders", nil},
		{"exact beats variable", "GET", "/orders/latest", "Latest", "GET /orders/latest", nil},
		{"variable", "GET", "/orders/42", "GetOrder", "GET /orders/{id}", map[string]string{"id": "42"}},
		{"method beats ANY", "GET", "/orders/7", "GetOrder", "GET /orders/{id}", map[string]string{"id": "7"}},
		{"ANY takes other methods", "DELETE", "/orders/7", "AnyOrder", "ANY /orders/{id}", map[string]string{"id": "7"}},
		{"ANY takes other methods on a literal", "DELETE", "/orders/latest", "AnyOrder", "ANY /orders/{id}", map[string]string{"id": "latest"}},
		{"two variables", "GET", "/orders/7/lines/3", "GetLine", "GET /orders/{id}/lines/{line}", map[string]string{"id": "7", "line": "3"}},
		{"variable decoded", "GET", "/orders/a%20b%2Fc", "GetOrder", "GET /orders/{id}", map[string]string{"id": "a b/c"}},
		{"greedy one segment", "PUT", "/files/a.txt", "Files", "ANY /files/{proxy+}", map[string]string{"proxy": "a.txt"}},
		{"greedy the rest", "GET", "/files/a/b/c.txt", "Files", "ANY /files/{proxy+}", map[string]string{"proxy": "a/b/c.txt"}},
		{"longer literal prefix beats greedy", "GET", "/files/static/x/y", "Static", "GET /files/static/{proxy+}", map[string]string{"proxy": "x/y"}},
		{"greedy needs a segment", "GET", "/files", "Default", "$default", nil},
		{"greedy needs a non-empty rest", "GET", "/files/", "Default", "$default", nil},
		{"root", "GET", "/", "Root", "GET /", nil},
		{"root other method", "POST", "/", "Default", "$default", nil},
		{"unmatched method", "PATCH", "/orders", "Default", "$default", nil},
		{"unmatched path", "GET", "/nowhere/at/all", "Default", "$default", nil},
		{"trailing slash is another path", "GET", "/orders/", "Default", "$default", nil},
		{"case-sensitive", "GET", "/Orders", "Default", "$default", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fake{}
			resp := do(newFront(t, routes, nil, f), tc.method, tc.path, "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", resp.StatusCode)
			}
			c := f.last(t)
			if c.function != tc.function {
				t.Errorf("function %s, want %s", c.function, tc.function)
			}
			if c.event.RouteKey != tc.routeKey || c.event.RequestContext.RouteKey != tc.routeKey {
				t.Errorf("routeKey %q / %q, want %q", c.event.RouteKey, c.event.RequestContext.RouteKey, tc.routeKey)
			}
			if !maps.Equal(c.event.PathParameters, tc.params) {
				t.Errorf("pathParameters %v, want %v", c.event.PathParameters, tc.params)
			}
			if tc.params == nil && strings.Contains(string(c.raw), `"pathParameters"`) {
				t.Errorf("pathParameters present without parameters: %s", c.raw)
			}
			if c.event.RawPath != tc.path || c.event.RequestContext.HTTP.Path != tc.path {
				t.Errorf("rawPath %q, http.path %q, want %q", c.event.RawPath, c.event.RequestContext.HTTP.Path, tc.path)
			}
			if c.event.RequestContext.HTTP.Method != tc.method {
				t.Errorf("http.method %q, want %q", c.event.RequestContext.HTTP.Method, tc.method)
			}
		})
	}
}

func TestFrontDoorNotFound(t *testing.T) {
	f := &fake{}
	h := newFront(t, []Route{{"GET", "/orders", "Orders"}}, nil, f)
	for _, tc := range []struct{ method, path string }{{"POST", "/orders"}, {"GET", "/other"}, {"GET", "/"}} {
		resp := do(h, tc.method, tc.path, "")
		if body := readBody(t, resp); resp.StatusCode != 404 || body != `{"message":"Not Found"}` {
			t.Errorf("%s %s: %d %s, want 404 {\"message\":\"Not Found\"}", tc.method, tc.path, resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: content-type %q", tc.method, tc.path, ct)
		}
	}
	if len(f.calls) != 0 {
		t.Errorf("%d invokes for unrouted requests", len(f.calls))
	}
}

func TestFrontDoorBadRoutes(t *testing.T) {
	tests := []struct {
		name   string
		routes []Route
		want   string
	}{
		{"bad method", []Route{{"FETCH", "/a", "F"}}, "method"},
		{"no slash", []Route{{"GET", "a", "F"}}, "must start with /"},
		{"greedy not last", []Route{{"GET", "/{p+}/a", "F"}}, "last segment"},
		{"partial segment", []Route{{"GET", "/a{b}", "F"}}, "whole segment"},
		{"empty segment", []Route{{"GET", "/a//b", "F"}}, "empty path segment"},
		{"empty variable", []Route{{"GET", "/{}", "F"}}, "bad path variable"},
		{"repeated variable", []Route{{"GET", "/{a}/{a}", "F"}}, "twice"},
		{"duplicate", []Route{{"GET", "/a", "F"}, {"GET", "/a", "G"}}, "conflicts"},
		{"same shape", []Route{{"GET", "/a/{x}", "F"}, {"GET", "/a/{y}", "G"}}, "conflicts"},
		{"two defaults", []Route{{"ANY", DefaultRoute, "F"}, {"ANY", DefaultRoute, "G"}}, "conflicts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.routes, nil, (&fake{}).invoke, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
