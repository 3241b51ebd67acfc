package local

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/coldstartlab/coldstart/internal/apigw"
	"github.com/coldstartlab/coldstart/internal/platform"
	"github.com/coldstartlab/coldstart/internal/template"
)

// frontDoor is the API Gateway HTTP API / Function URL listener (serve --http).
type frontDoor struct {
	http   *http.Server
	served chan error
	routes []apigw.Route
	urls   []string // functions with a Function URL
}

// startFrontDoor serves the template's HttpApi events and Function URLs on
// addr (the user's choice; serve suggests a loopback address) and sets
// s.HTTPURL. Only the routes of the functions this server runs are served.
func (s *Server) startFrontDoor(addr string) error {
	routes, urls := frontDoorRoutes(s.Template)
	invoke := func(ctx context.Context, fn string, payload []byte) ([]byte, string, error) {
		res, err := s.Platform.Invoke(ctx, platform.Request{Function: fn, Payload: payload})
		if err != nil {
			return nil, "", err
		}
		return res.Payload, res.FunctionError, nil
	}
	opts := apigw.Options{Region: s.Platform.Region(), AccountID: s.Platform.AccountID()}
	if s.log != nil {
		// The client sees API Gateway's generic 500; the user running
		// serve learns why.
		opts.Logf = func(format string, args ...any) { fmt.Fprintf(s.log, "front door: "+format+"\n", args...) }
	}
	h, err := apigw.New(routes, urls, invoke, opts)
	if err != nil {
		return fmt.Errorf("serve --http: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve --http: listen on %s: %w", addr, err)
	}
	f := &frontDoor{
		http:   &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second},
		served: make(chan error, 1),
		routes: routes, urls: urls,
	}
	s.front, s.HTTPURL = f, "http://"+ln.Addr().String()
	go func() { f.served <- f.http.Serve(ln) }()
	return nil
}

// frontDoorRoutes returns the HTTP API routes and Function URLs of the
// functions tpl still holds (serve may run only some of them).
func frontDoorRoutes(tpl *template.Template) ([]apigw.Route, []string) {
	kept := map[string]bool{}
	for _, fn := range tpl.Functions {
		kept[fn.Name] = true
	}
	var routes []apigw.Route
	for _, r := range tpl.Routes {
		if kept[r.Function] {
			routes = append(routes, apigw.Route{Method: r.Method, Path: r.Path, Function: r.Function})
		}
	}
	var urls []string
	for _, u := range tpl.URLs {
		if kept[u.Function] {
			urls = append(urls, u.Function)
		}
	}
	return routes, urls
}

// FrontDoorRoutes describes what the front door serves, one line each
// ("POST /orders → Orders", "http://…/lambda-url/Hook/ → Hook (Function URL)");
// nil when it is not running.
func (s *Server) FrontDoorRoutes() []string {
	if s.front == nil {
		return nil
	}
	var out []string
	for _, r := range s.front.routes {
		out = append(out, r.Key()+" → "+r.Function)
	}
	for _, fn := range s.front.urls {
		out = append(out, s.HTTPURL+apigw.URLPrefix+fn+"/ → "+fn+" (Function URL)")
	}
	return out
}

// close stops the front door; a nil front door is a no-op. In-flight
// requests get until ctx ends to finish.
func (f *frontDoor) close(ctx context.Context) {
	if f == nil {
		return
	}
	if err := f.http.Shutdown(ctx); err != nil {
		_ = f.http.Close()
	}
	<-f.served
}
