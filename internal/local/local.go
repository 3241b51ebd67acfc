// Package local assembles a local Lambda from a SAM template: it builds the
// functions, starts a platform with them and serves the Lambda API on a
// loopback listener. `coldstart serve`, the bench's local target and the
// end-to-end tests all start the same thing through Start.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coldstartlab/coldstart/internal/codestore"
	"github.com/coldstartlab/coldstart/internal/lambdaapi"
	"github.com/coldstartlab/coldstart/internal/platform"
	"github.com/coldstartlab/coldstart/internal/runtimes"
	"github.com/coldstartlab/coldstart/internal/sandbox"
	"github.com/coldstartlab/coldstart/internal/services"
	"github.com/coldstartlab/coldstart/internal/template"
)

// Options configures Start. Zero values mean the documented defaults.
type Options struct {
	Template         string        // SAM template path (required)
	EnvVars          string        // `sam local --env-vars` JSON file; optional
	Listen           string        // default 127.0.0.1:0
	Sandbox          string        // auto | plain | cgroup1 | cgroup2
	ConcurrencyLimit int           // default 1000
	IdleTimeout      time.Duration // default 10 minutes
	Region           string        // default us-east-1
	NoFreeze         bool
	CPUScale         float64 // 0 = 1: environments get memory/1769 vCPU
	LogSink          func(platform.LogLine)
	BuildLog         io.Writer // build progress; nil = silent
	Version          string
	// Functions limits the run to these functions (logical IDs); empty = all.
	// Only they are built, and the local AWS services start only when one
	// of them refers to a table or queue.
	Functions []string
	// Runtimes maps a managed runtime id ("nodejs20.x") or language
	// ("nodejs", "python", "java") to its interpreter; default: found on PATH.
	Runtimes map[string]string
	// HTTP is the address of the API Gateway HTTP API / Function URL front
	// door (serve --http); empty = none.
	HTTP string
	// StateDir keeps the functions created through the API (CreateFunction)
	// across restarts; empty = a temporary directory, removed on Close.
	StateDir string
	// AsyncRetryDelay is the wait before the first retry of a failed Event
	// invoke (the second waits twice as long); 0 = Lambda's minute.
	AsyncRetryDelay time.Duration
}

// Server is a running local Lambda.
type Server struct {
	URL       string // http://127.0.0.1:port
	Platform  *platform.Platform
	API       *lambdaapi.Server
	Template  *template.Template
	Packages  map[string]template.Package // by function name
	Services  *services.Services          // dynalite and fauxqs for the tables and queues; none run without
	HTTPURL   string                      // the front door's http://127.0.0.1:port, when Options.HTTP is set
	Restored  []string                    // functions created through the API in an earlier run (StateDir)
	front     *frontDoor
	store     *codestore.Store
	log       io.Writer // Options.BuildLog: where serve's own messages go; may be nil
	http      *http.Server
	served    chan error
	closeOnce sync.Once
	closeErr  error
}

// Managed prepares managed runtime id for code in taskRoot: it finds the
// interpreter (interpreters overrides PATH) and installs the embedded client.
func Managed(ctx context.Context, id, taskRoot string, interpreters map[string]string) (*platform.ManagedRuntime, error) {
	l, err := runtimes.Prepare(ctx, id, taskRoot, runtimes.Options{Interpreters: interpreters})
	if err != nil {
		return nil, err
	}
	return &platform.ManagedRuntime{Command: l.Command, Dir: l.Dir, Env: l.Env, Interpreter: l.Describe()}, nil
}

// Start loads and builds the template's functions, starts the local AWS
// services its tables and queues need, then serves the functions.
func Start(ctx context.Context, o Options) (_ *Server, err error) {
	tpl, err := template.Load(o.Template)
	if err != nil {
		return nil, err
	}
	if o.EnvVars != "" {
		ov, err := template.LoadEnvOverrides(o.EnvVars)
		if err != nil {
			return nil, err
		}
		if err := ov.Apply(tpl); err != nil {
			return nil, fmt.Errorf("%s: %w", o.EnvVars, err)
		}
	}
	if err := selectFunctions(tpl, o.Functions); err != nil {
		return nil, err
	}
	svc, err := startServices(ctx, tpl, o)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = svc.Close()
		}
	}()
	backend, err := sandbox.Detect(o.Sandbox)
	if err != nil {
		return nil, err
	}
	opts := []platform.Option{
		platform.WithSandbox(backend),
		platform.WithFreeze(!o.NoFreeze),
		platform.WithToolVersion(o.Version),
	}
	if o.ConcurrencyLimit > 0 {
		opts = append(opts, platform.WithConcurrencyLimit(o.ConcurrencyLimit))
	}
	if o.IdleTimeout > 0 {
		opts = append(opts, platform.WithIdleTimeout(o.IdleTimeout))
	}
	if o.Region != "" {
		opts = append(opts, platform.WithRegion(o.Region))
	}
	if o.CPUScale > 0 {
		opts = append(opts, platform.WithCPUScale(o.CPUScale))
	}
	if o.LogSink != nil {
		opts = append(opts, platform.WithLogSink(o.LogSink))
	}
	// The host's credentials stand in for an execution role, as with sam local.
	// Without them, functions that use the local services get credentials
	// those accept, so their SDKs can sign: real ones are never needed locally.
	if id := os.Getenv("AWS_ACCESS_KEY_ID"); id != "" {
		opts = append(opts, platform.WithCredentials(id, os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")))
	} else if services.Needed(tpl) {
		opts = append(opts, platform.WithCredentials(services.FakeAccessKeyID, services.FakeSecretAccessKey, ""))
	}

	packages := map[string]template.Package{}
	configs := make([]platform.FunctionConfig, 0, len(tpl.Functions))
	for _, fn := range tpl.Functions {
		pkg, err := template.Build(ctx, fn, template.BuildOptions{Log: o.BuildLog})
		if err != nil {
			_ = backend.Close()
			return nil, err
		}
		code, err := codestore.HashDir(pkg.Dir)
		if err != nil {
			_ = backend.Close()
			return nil, fmt.Errorf("hash %s: %w", fn.Name, err)
		}
		packages[fn.Name] = pkg
		for k, v := range svc.Env(fn.Environment) {
			fn.Environment[k] = v
		}
		cfg := platform.FunctionConfig{
			Name: fn.Name, Runtime: fn.Runtime, Handler: fn.Handler, MemoryMB: fn.MemoryMB,
			Timeout: fn.Timeout, Environment: fn.Environment, Architecture: fn.Architecture,
			CodeDir: pkg.Dir, Bootstrap: pkg.Bootstrap, CodeSize: pkg.Size, CodeFiles: pkg.Files, CodeSHA256: code.SHA256,
		}
		if template.IsManaged(fn.Runtime) {
			m, err := Managed(ctx, fn.Runtime, pkg.Dir, o.Runtimes)
			if err != nil {
				_ = backend.Close()
				return nil, fmt.Errorf("%s: %w", fn.Name, err)
			}
			cfg.Managed = m
		}
		configs = append(configs, cfg)
	}

	listen := o.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		_ = backend.Close()
		return nil, fmt.Errorf("listen on %s: %w", listen, err)
	}
	p := platform.New(opts...)
	for _, cfg := range configs {
		if err := p.PutFunction(cfg); err != nil {
			_ = ln.Close()
			_ = p.Close()
			return nil, err
		}
	}
	store, err := codestore.Open(o.StateDir)
	if err != nil {
		_ = ln.Close()
		_ = p.Close()
		return nil, err
	}
	apiOpts := []lambdaapi.Option{
		lambdaapi.WithStore(store),
		lambdaapi.WithFunctionEnv(svc.Env),
		lambdaapi.WithManagedRuntimes(func(ctx context.Context, runtime, taskRoot string) (*platform.ManagedRuntime, error) {
			return Managed(ctx, runtime, taskRoot, o.Runtimes)
		}),
	}
	if o.AsyncRetryDelay > 0 {
		apiOpts = append(apiOpts, lambdaapi.WithAsyncRetryDelay(o.AsyncRetryDelay))
	}
	api := lambdaapi.New(p, o.Version, apiOpts...)
	restored, rerr := api.Restore()
	if rerr != nil && o.BuildLog != nil {
		fmt.Fprintf(o.BuildLog, "warning: %v\n", rerr)
	}
	s := &Server{
		URL: "http://" + ln.Addr().String(), Platform: p, API: api, Template: tpl, Packages: packages, Services: svc,
		Restored: restored, store: store, log: o.BuildLog,
		http:   &http.Server{Handler: api, ReadHeaderTimeout: 30 * time.Second},
		served: make(chan error, 1),
	}
	go func() { s.served <- s.http.Serve(ln) }()
	if o.HTTP != "" {
		if err := s.startFrontDoor(o.HTTP); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close stops accepting requests, kills every environment (in-flight invokes
// are answered with a ServiceException) and waits until all runtime processes
// are gone, then stops the local AWS services.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// Shutdown stops listening and waits for handlers; killing the
		// environments is what lets in-flight invokes answer and finish.
		shutdown := make(chan error, 1)
		go func() { shutdown <- s.http.Shutdown(ctx) }()
		frontClosed := make(chan struct{})
		go func() { s.front.close(ctx); close(frontClosed) }()
		perr := s.Platform.Close()
		s.API.Close()
		herr := <-shutdown
		<-frontClosed
		if herr != nil {
			herr = s.http.Close()
		}
		<-s.served
		s.closeErr = errors.Join(perr, herr, s.Services.Close(), s.store.Close())
	})
	return s.closeErr
}

// selectFunctions keeps only the functions named in only (all when empty),
// and the tables and queues only when a kept function refers to one of them.
func selectFunctions(tpl *template.Template, only []string) error {
	if len(only) == 0 {
		return nil
	}
	byName := map[string]template.Function{}
	for _, fn := range tpl.Functions {
		byName[fn.Name] = fn
	}
	var kept []template.Function
	uses := false
	for _, name := range only {
		fn, ok := byName[name]
		if !ok {
			return fmt.Errorf("%s: no function %q (functions: %s)", tpl.Path, name, strings.Join(slices.Sorted(maps.Keys(byName)), ", "))
		}
		if !slices.ContainsFunc(kept, func(k template.Function) bool { return k.Name == name }) {
			kept = append(kept, fn)
		}
		uses = uses || len(fn.Uses) > 0
	}
	slices.SortFunc(kept, func(a, b template.Function) int { return strings.Compare(a.Name, b.Name) })
	tpl.Functions = kept
	if !uses {
		tpl.Tables, tpl.Queues = nil, nil
	}
	return nil
}

// startServices starts the local AWS services of tpl's tables and queues
// (none when it has neither) and fills in the values only they know, such
// as a queue's URL, in the functions' environments.
func startServices(ctx context.Context, tpl *template.Template, o Options) (*services.Services, error) {
	so := services.Options{Region: o.Region, Hints: []string{filepath.Dir(tpl.Path)}}
	if services.Needed(tpl) && o.BuildLog != nil {
		fmt.Fprintf(o.BuildLog, "Starting local AWS services for %d table(s) and %d queue(s)…\n", len(tpl.Tables), len(tpl.Queues))
	}
	svc, err := services.Start(ctx, tpl, so)
	if err != nil {
		return nil, err
	}
	if err := tpl.Bind(svc.Values); err != nil {
		_ = svc.Close()
		return nil, err
	}
	return svc, nil
}

// Limits describes what the sandbox enforces, for banners and run headers:
// e.g. "memory = MemorySize, CPU = MemorySize/1769 vCPU (max 2) · freeze: cgroup v1 freezer".
func (s *Server) Limits() string {
	b := s.Platform.Sandbox()
	c := b.Capabilities()
	var parts []string
	if c.MemoryLimit {
		parts = append(parts, "memory = MemorySize")
	} else {
		parts = append(parts, "no memory limit")
	}
	if c.CPULimit {
		cpu := "CPU = MemorySize/1769 vCPU"
		if scale := s.Platform.CPUScale(); scale != 1 {
			cpu += fmt.Sprintf(" × %g", scale)
		}
		parts = append(parts, cpu+fmt.Sprintf(" (max %d)", runtime.NumCPU()))
	} else {
		parts = append(parts, "no CPU limit")
	}
	out := strings.Join(parts, ", ") + " · freeze: " + c.Freeze + " · peak: " + c.PeakMemory
	if c.Notes != "" {
		out += " · " + c.Notes
	}
	return out
}

// FindTemplate returns path if set, else the first of template.yaml,
// template.yml (sam's defaults) and examples/template.yaml that exists.
func FindTemplate(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	for _, p := range []string{"template.yaml", "template.yml", filepath.Join("examples", "template.yaml")} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no template.yaml here: pass --template PATH")
}
