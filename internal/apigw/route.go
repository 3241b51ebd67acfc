package apigw

import (
	"fmt"
	"net/url"
	"strings"
)

// Route is one API Gateway HTTP API route and the function behind it.
type Route struct {
	Method   string // "ANY" or an HTTP method in upper case (GET, POST…)
	Path     string // "/orders", "/orders/{id}", "/files/{proxy+}" or DefaultRoute
	Function string
}

// DefaultRoute is the catch-all route key: it gets every request no other
// route matches, whatever its method.
const DefaultRoute = "$default"

// methodAny is the route method that matches every method not routed more
// specifically.
const methodAny = "ANY"

// methods are the route methods API Gateway HTTP APIs accept.
var methods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true,
	"HEAD": true, "OPTIONS": true, methodAny: true,
}

// Key is the route key the event carries: "GET /orders/{id}" or "$default".
func (r Route) Key() string {
	if r.Path == DefaultRoute {
		return DefaultRoute
	}
	return r.Method + " " + r.Path
}

// segment kinds, in the order a match prefers them: a literal segment beats
// a path variable, which beats a greedy one.
const (
	greedy = iota
	variable
	literal
)

type segment struct {
	kind int
	text string // the literal, or the variable's name
}

// route is a Route compiled for matching.
type route struct {
	Route
	segs []segment
}

// compile checks r's path the way API Gateway does when a route is created.
func compile(r Route) (route, error) {
	if r.Path == DefaultRoute {
		return route{Route: r}, nil
	}
	if !methods[r.Method] {
		return route{}, fmt.Errorf("route %q: method %q is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY", r.Key(), r.Method)
	}
	if !strings.HasPrefix(r.Path, "/") {
		return route{}, fmt.Errorf("route %q: path must start with /", r.Key())
	}
	segs, err := parsePath(r.Path)
	if err != nil {
		return route{}, fmt.Errorf("route %q: %w", r.Key(), err)
	}
	return route{Route: r, segs: segs}, nil
}

// parsePath splits a route path into segments. Variables take a whole
// segment; a greedy one ({name+}) must be the last.
func parsePath(p string) ([]segment, error) {
	if p == "/" {
		return nil, nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	segs := make([]segment, 0, len(parts))
	seen := map[string]bool{}
	for i, part := range parts {
		switch {
		case part == "":
			return nil, fmt.Errorf("empty path segment")
		case strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}"):
			name := part[1 : len(part)-1]
			kind := variable
			if strings.HasSuffix(name, "+") {
				kind, name = greedy, strings.TrimSuffix(name, "+")
				if i != len(parts)-1 {
					return nil, fmt.Errorf("greedy variable {%s+} must be the last segment", name)
				}
			}
			if name == "" || strings.ContainsAny(name, "{}+/") {
				return nil, fmt.Errorf("bad path variable %q", part)
			}
			if seen[name] {
				return nil, fmt.Errorf("path variable {%s} appears twice", name)
			}
			seen[name] = true
			segs = append(segs, segment{kind: kind, text: name})
		case strings.ContainsAny(part, "{}"):
			return nil, fmt.Errorf("segment %q: a path variable must be a whole segment", part)
		default:
			segs = append(segs, segment{kind: literal, text: part})
		}
	}
	return segs, nil
}

// shape is a route path with its variables' names erased: two routes of the
// same method and shape can never be told apart.
func (r route) shape() string {
	if r.Path == DefaultRoute {
		return DefaultRoute
	}
	var b strings.Builder
	for _, s := range r.segs {
		b.WriteByte('/')
		switch s.kind {
		case literal:
			b.WriteString(s.text)
		case variable:
			b.WriteString("{}")
		case greedy:
			b.WriteString("{+}")
		}
	}
	return r.Method + " " + b.String()
}

// match reports whether path (split into escaped segments) fits r, and the
// decoded path parameters if it does.
func (r route) match(parts []string) (map[string]string, bool) {
	var params map[string]string
	set := func(k, v string) {
		if params == nil {
			params = map[string]string{}
		}
		params[k] = v
	}
	for i, s := range r.segs {
		if s.kind == greedy {
			rest := strings.Join(parts[min(i, len(parts)):], "/")
			if rest == "" {
				return nil, false // a greedy variable needs at least one segment
			}
			set(s.text, unescape(rest))
			return params, true
		}
		if i >= len(parts) || parts[i] == "" {
			return nil, false
		}
		switch s.kind {
		case literal:
			if unescape(parts[i]) != s.text {
				return nil, false
			}
		case variable:
			set(s.text, unescape(parts[i]))
		}
	}
	return params, len(parts) == len(r.segs)
}

// better reports whether r is a more specific match than o for the same
// request: segment by segment a literal beats a variable beats a greedy
// variable, and then a named method beats ANY.
func (r route) better(o route) bool {
	for i := 0; i < len(r.segs) && i < len(o.segs); i++ {
		if r.segs[i].kind != o.segs[i].kind {
			return r.segs[i].kind > o.segs[i].kind
		}
	}
	if len(r.segs) != len(o.segs) {
		return len(r.segs) > len(o.segs)
	}
	return r.Method != methodAny && o.Method == methodAny
}

// table finds the route of a request.
type table struct {
	routes []route // without the default
	def    *route
}

func newTable(routes []Route) (*table, error) {
	t := &table{}
	shapes := map[string]string{}
	for _, r := range routes {
		c, err := compile(r)
		if err != nil {
			return nil, err
		}
		if prev, dup := shapes[c.shape()]; dup {
			return nil, fmt.Errorf("route %q (%s) conflicts with %q", r.Key(), r.Function, prev)
		}
		shapes[c.shape()] = r.Key()
		if r.Path == DefaultRoute {
			t.def = &c
			continue
		}
		t.routes = append(t.routes, c)
	}
	return t, nil
}

// find returns the best route for method and escaped path, with its path
// parameters, or false when none (not even $default) matches.
func (t *table) find(method, escapedPath string) (route, map[string]string, bool) {
	parts := splitPath(escapedPath)
	var best route
	var bestParams map[string]string
	found := false
	for _, r := range t.routes {
		if r.Method != methodAny && r.Method != method {
			continue
		}
		params, ok := r.match(parts)
		if !ok {
			continue
		}
		if !found || r.better(best) {
			best, bestParams, found = r, params, true
		}
	}
	if !found && t.def != nil {
		return *t.def, nil, true
	}
	return best, bestParams, found
}

// splitPath splits "/a/b" into ["a","b"]; "/" is no segments. A trailing
// slash leaves an empty last segment, which only a greedy variable matches.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// unescape decodes a path segment as API Gateway decodes path parameters,
// keeping it as sent when it is not valid percent-encoding.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
