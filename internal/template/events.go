package template

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// HTTPRoute is one HttpApi event of a function: a route of the template's
// (single, implicit) API Gateway HTTP API.
type HTTPRoute struct {
	Function string // logical ID of the function the event belongs to
	Event    string // the event's name under Events
	Method   string // upper case: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY
	// Path is the route path ("/orders/{id}", "/files/{proxy+}"), or
	// DefaultRoute when the event has neither Path nor Method.
	Path string
	Line int // line of the event in the template
}

// FunctionURL is a function's FunctionUrlConfig.
type FunctionURL struct {
	Function   string // logical ID
	AuthType   string // NONE or AWS_IAM
	InvokeMode string // BUFFERED (default) or RESPONSE_STREAM
	Line       int
}

// DefaultRoute is the path of an HttpApi event without Path and Method: SAM
// makes it the API's $default route, which catches every request no other
// route matches.
const DefaultRoute = "$default"

// httpMethods are the methods an HttpApi route may name (SAM's "any" is ANY).
var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"}

// httpAPIEvents reads the HttpApi events of function resource r; other
// event types (Api, SQS, Schedule…) have no local effect and are skipped.
func (p *parser) httpAPIEvents(r *resource) ([]HTTPRoute, error) {
	n := get(r.props, "Events")
	if n == nil {
		return nil, nil
	}
	evs, err := fields(n, "Events")
	if err != nil {
		return nil, err
	}
	var routes []HTTPRoute
	for _, ev := range evs {
		what := "event " + ev.key.Value
		body, err := fields(ev.val, what)
		if err != nil {
			return nil, err
		}
		typ := get(body, "Type")
		if typ == nil {
			return nil, errAt(ev.key, "%s: missing Type", what)
		}
		if t, err := p.str(typ, what+" Type"); err != nil || t != "HttpApi" {
			if err != nil {
				return nil, err
			}
			continue
		}
		rt, err := p.httpRoute(r.id, ev.key, get(body, "Properties"))
		if err != nil {
			return nil, err
		}
		routes = append(routes, rt)
	}
	return routes, nil
}

// httpRoute reads one HttpApi event's Properties (nil when absent).
func (p *parser) httpRoute(fn string, key, props *yaml.Node) (HTTPRoute, error) {
	what := "event " + key.Value
	rt := HTTPRoute{Function: fn, Event: key.Value, Method: "ANY", Path: DefaultRoute, Line: key.Line}
	if props == nil {
		return rt, nil
	}
	fs, err := fields(props, what+" Properties")
	if err != nil {
		return HTTPRoute{}, err
	}
	pathN, methodN := get(fs, "Path"), get(fs, "Method")
	switch {
	case pathN == nil && methodN == nil:
		return rt, nil
	case pathN == nil:
		return HTTPRoute{}, errAt(methodN, "%s: Method without Path (give both, or neither for the $default route)", what)
	case methodN == nil:
		return HTTPRoute{}, errAt(pathN, "%s: Path without Method (give both, or neither for the $default route)", what)
	}
	if v := get(fs, "PayloadFormatVersion"); v != nil {
		s, err := p.str(v, what+" PayloadFormatVersion")
		if err != nil {
			return HTTPRoute{}, err
		}
		if s != "2.0" {
			return HTTPRoute{}, errAt(v, "%s: PayloadFormatVersion %q is not supported; the local HTTP API sends 2.0", what, s)
		}
	}
	if rt.Method, err = p.str(methodN, what+" Method"); err != nil {
		return HTTPRoute{}, err
	}
	rt.Method = strings.ToUpper(rt.Method)
	if rt.Method == "X-AMAZON-APIGATEWAY-ANY-METHOD" {
		rt.Method = "ANY"
	}
	if !slices.Contains(httpMethods, rt.Method) {
		return HTTPRoute{}, errAt(methodN, "%s: Method %q is not one of %s", what, rt.Method, strings.Join(httpMethods, ", "))
	}
	if rt.Path, err = p.str(pathN, what+" Path"); err != nil {
		return HTTPRoute{}, err
	}
	if err := checkRoutePath(rt.Path); err != nil {
		return HTTPRoute{}, errAt(pathN, "%s: Path %q: %w", what, rt.Path, err)
	}
	return rt, nil
}

// checkRoutePath applies API Gateway's rules for route paths: they start
// with /, a variable ({name}) is a whole segment, and a greedy one
// ({name+}) is the last.
func checkRoutePath(path string) error {
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("must start with /")
	}
	if path == "/" {
		return nil
	}
	parts := strings.Split(path[1:], "/")
	seen := map[string]bool{}
	for i, part := range parts {
		switch {
		case part == "":
			return fmt.Errorf("empty segment")
		case strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}"):
			name := part[1 : len(part)-1]
			if greedy := strings.HasSuffix(name, "+"); greedy {
				name = strings.TrimSuffix(name, "+")
				if i != len(parts)-1 {
					return fmt.Errorf("greedy variable {%s+} must be the last segment", name)
				}
			}
			if name == "" || strings.ContainsAny(name, "{}+") {
				return fmt.Errorf("bad path variable %s", part)
			}
			if seen[name] {
				return fmt.Errorf("variable {%s} appears twice", name)
			}
			seen[name] = true
		case strings.ContainsAny(part, "{}"):
			return fmt.Errorf("segment %q: a path variable must be a whole segment", part)
		}
	}
	return nil
}

// routeShape erases variable names: two routes with the same method and
// shape match the same requests, which API Gateway refuses.
func routeShape(rt HTTPRoute) string {
	if rt.Path == DefaultRoute {
		return DefaultRoute
	}
	parts := strings.Split(rt.Path, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, "{") {
			parts[i] = "{}"
			if strings.HasSuffix(part, "+}") {
				parts[i] = "{+}"
			}
		}
	}
	return rt.Method + " " + strings.Join(parts, "/")
}

// checkRoutes rejects a route that repeats another's (also in another
// function), in template order so the later one is blamed.
func (p *parser) checkRoutes(routes []HTTPRoute) error {
	first := map[string]HTTPRoute{}
	for _, rt := range routes {
		shape := routeShape(rt)
		prev, dup := first[shape]
		if !dup {
			first[shape] = rt
			continue
		}
		key := rt.Method + " " + rt.Path
		if rt.Path == DefaultRoute {
			key = DefaultRoute
		}
		return fmt.Errorf("%s:%d: function %s: event %s: route %s repeats the route of event %s of %s (line %d)",
			p.file, rt.Line, rt.Function, rt.Event, key, prev.Event, prev.Function, prev.Line)
	}
	return nil
}

// functionURL reads FunctionUrlConfig (prop includes Globals.Function).
func (p *parser) functionURL(fn string, prop func(string) *yaml.Node) (*FunctionURL, error) {
	n := prop("FunctionUrlConfig")
	if n == nil {
		return nil, nil
	}
	fs, err := fields(n, "FunctionUrlConfig")
	if err != nil {
		return nil, err
	}
	u := &FunctionURL{Function: fn, InvokeMode: "BUFFERED", Line: n.Line}
	a := get(fs, "AuthType")
	if a == nil {
		return nil, errAt(n, "FunctionUrlConfig: missing AuthType (NONE or AWS_IAM)")
	}
	if u.AuthType, err = p.str(a, "FunctionUrlConfig.AuthType"); err != nil {
		return nil, err
	}
	if u.AuthType != "NONE" && u.AuthType != "AWS_IAM" {
		return nil, errAt(a, "FunctionUrlConfig.AuthType %q is not NONE or AWS_IAM", u.AuthType)
	}
	if m := get(fs, "InvokeMode"); m != nil {
		if u.InvokeMode, err = p.str(m, "FunctionUrlConfig.InvokeMode"); err != nil {
			return nil, err
		}
		if u.InvokeMode != "BUFFERED" && u.InvokeMode != "RESPONSE_STREAM" {
			return nil, errAt(m, "FunctionUrlConfig.InvokeMode %q is not BUFFERED or RESPONSE_STREAM", u.InvokeMode)
		}
	}
	return u, nil
}

// frontDoor reads function resource r's HttpApi events and Function URL.
func (p *parser) frontDoor(r *resource, g []field) ([]HTTPRoute, *FunctionURL, error) {
	routes, err := p.httpAPIEvents(r)
	if err != nil {
		return nil, nil, err
	}
	prop := func(name string) *yaml.Node {
		if v := get(r.props, name); v != nil {
			return v
		}
		return get(g, name)
	}
	u, err := p.functionURL(r.id, prop)
	if err != nil {
		return nil, nil, err
	}
	return routes, u, nil
}

// addFrontDoor adds function resource r's routes and URL to t.
func (p *parser) addFrontDoor(t *Template, r *resource, g []field) error {
	routes, u, err := p.frontDoor(r, g)
	if err != nil {
		return err
	}
	t.Routes = append(t.Routes, routes...)
	if u != nil {
		t.URLs = append(t.URLs, *u) // functions are read in template order; sorted below
		slices.SortFunc(t.URLs, func(a, b FunctionURL) int { return strings.Compare(a.Function, b.Function) })
	}
	return nil
}
