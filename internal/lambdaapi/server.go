package lambdaapi

import (
	"context"
	"encoding/json"
	"net/http"
	"path"
	"sync"
	"time"

	"github.com/coldstartlab/coldstart/internal/codestore"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// Server is the Lambda API over one platform.
type Server struct {
	p       *platform.Platform
	mux     *http.ServeMux
	version string

	// The control plane: functions created through the API keep their
	// code and configuration in store; controlMu serialises changes.
	store     *codestore.Store
	ownStore  bool // a temporary store opened by New, closed by Close
	prepare   PrepareFunc
	extraEnv  func(env map[string]string) map[string]string
	controlMu sync.Mutex
	created   map[string]bool // functions created through the API (stored)
	// eventCfg (PutFunctionEventInvokeConfig, by function) is written with
	// controlMu and eventMu both held, so a reader needs either: Event
	// retries take eventMu alone and never wait behind a long CreateFunction.
	eventCfg   map[string]eventConfig
	eventMu    sync.Mutex
	retryDelay time.Duration

	// Event invokes outlive their HTTP request.
	async       sync.WaitGroup
	asyncCtx    context.Context
	asyncCancel context.CancelFunc
	asyncStats  asyncStats
}

var _ http.Handler = (*Server)(nil)

// New returns the API for p; version is reported by /health.
func New(p *platform.Platform, version string, opts ...Option) *Server {
	s := &Server{p: p, mux: http.NewServeMux(), version: version,
		created: map[string]bool{}, eventCfg: map[string]eventConfig{}, retryDelay: time.Minute}
	for _, o := range opts {
		o(s)
	}
	s.asyncCtx, s.asyncCancel = context.WithCancel(context.Background())
	s.mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", s.invoke)
	s.mux.HandleFunc("POST /2015-03-31/functions", s.createFunction)
	s.mux.HandleFunc("POST /2015-03-31/functions/{$}", s.createFunction)
	s.mux.HandleFunc("GET /2015-03-31/functions/{name}", s.getFunction)
	s.mux.HandleFunc("DELETE /2015-03-31/functions/{name}", s.deleteFunction)
	s.mux.HandleFunc("GET /2015-03-31/functions/{name}/configuration", s.getFunctionConfiguration)
	s.mux.HandleFunc("PUT /2015-03-31/functions/{name}/configuration", s.updateFunctionConfiguration)
	s.mux.HandleFunc("PUT /2015-03-31/functions/{name}/code", s.updateFunctionCode)
	s.mux.HandleFunc("GET /2015-03-31/functions/{$}", s.listFunctions)
	s.mux.HandleFunc("GET /2015-03-31/functions", s.listFunctions)
	s.mux.HandleFunc("PUT /2017-10-31/functions/{name}/concurrency", s.putConcurrency)
	s.mux.HandleFunc("DELETE /2017-10-31/functions/{name}/concurrency", s.deleteConcurrency)
	s.mux.HandleFunc("GET /2019-09-30/functions/{name}/concurrency", s.getConcurrency)
	s.mux.HandleFunc("PUT /2019-09-25/functions/{name}/event-invoke-config", s.putEventInvokeConfig)
	s.mux.HandleFunc("POST /2019-09-25/functions/{name}/event-invoke-config", s.updateEventInvokeConfig)
	s.mux.HandleFunc("GET /2019-09-25/functions/{name}/event-invoke-config", s.getEventInvokeConfig)
	s.mux.HandleFunc("DELETE /2019-09-25/functions/{name}/event-invoke-config", s.deleteEventInvokeConfig)
	s.mux.HandleFunc("GET /2016-08-19/account-settings/{$}", s.accountSettings)
	s.mux.HandleFunc("GET /2016-08-19/account-settings", s.accountSettings)
	s.mux.HandleFunc("GET /health", s.health)
	s.mux.HandleFunc("/", s.unknown)
	return s
}

// ServeHTTP tags every response with a request id and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header()[headerRequestID] = []string{platform.NewRequestID()}
	if r.URL.Path != cleanPath(r.URL.Path) {
		// ServeMux would answer a redirect, which no Lambda API gives and
		// no SDK follows; found by FuzzHandler.
		s.unknown(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) unknown(w http.ResponseWriter, r *http.Request) {
	writeError(w, &apiError{http.StatusNotFound, codeUnknownOperation,
		"coldstart does not serve " + r.Method + " " + r.URL.Path + " (yet)", ""})
}

// cleanPath is the path ServeMux routes: without "." and ".." elements or
// repeated slashes, a trailing slash kept.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// Close stops retrying queued Event invokes and waits for those running,
// then removes a temporary function store.
func (s *Server) Close() {
	s.asyncCancel()
	s.async.Wait()
	if s.ownStore {
		_ = s.store.Close()
	}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	st := s.p.Stats()
	caps := s.p.Sandbox().Capabilities()
	b, _ := json.Marshal(map[string]any{
		"status":  "ok",
		"version": s.version,
		"region":  s.p.Region(),
		"sandbox": map[string]any{
			"backend": s.p.Sandbox().Name(), "memoryLimit": caps.MemoryLimit, "cpuLimit": caps.CPULimit,
			"freeze": caps.Freeze, "peakMemory": caps.PeakMemory, "notes": caps.Notes,
			"cpuScale": s.p.CPUScale(),
		},
		"functions":    st.Functions,
		"async":        s.asyncStats.snapshot(),
		"environments": st.Environments,
		"busy":         st.Busy,
		"started":      st.Started,
	})
	writeJSON(w, http.StatusOK, b)
}
