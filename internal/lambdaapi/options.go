package lambdaapi

import (
	"context"
	"time"

	"github.com/coldstartlab/coldstart/internal/codestore"
	"github.com/coldstartlab/coldstart/internal/platform"
)

// Option configures a Server.
type Option func(*Server)

// PrepareFunc readies a managed runtime (nodejs20.x, python3.11, java17…)
// for the code in taskRoot.
type PrepareFunc func(ctx context.Context, runtime, taskRoot string) (*platform.ManagedRuntime, error)

// WithStore keeps the functions created through the API in st; without it
// they live in a temporary directory removed by Close.
func WithStore(st *codestore.Store) Option { return func(s *Server) { s.store = st } }

// WithManagedRuntimes lets CreateFunction and UpdateFunctionConfiguration use
// managed runtimes; without it only provided runtimes are accepted.
func WithManagedRuntimes(prepare PrepareFunc) Option { return func(s *Server) { s.prepare = prepare } }

// WithFunctionEnv adds variables to every function created through the API
// (the local AWS services' endpoints); the function's own variables win.
func WithFunctionEnv(env map[string]string) Option { return func(s *Server) { s.extraEnv = env } }

// WithAsyncRetryDelay sets the wait before the first retry of a failed Event
// invoke; the second waits twice as long. Lambda waits 1 and 2 minutes.
func WithAsyncRetryDelay(d time.Duration) Option { return func(s *Server) { s.retryDelay = d } }
