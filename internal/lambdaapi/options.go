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

// WithFunctionEnv adds variables to every environment the API sets, on
// CreateFunction and on UpdateFunctionConfiguration of any function: add
// returns those to add to env (the local AWS services' endpoints, as the
// template's functions got them at start), leaving out what env sets itself.
func WithFunctionEnv(add func(env map[string]string) map[string]string) Option {
	return func(s *Server) { s.extraEnv = add }
}

// WithAsyncRetryDelay sets the wait before the first retry of a failed Event
// invoke; the second waits twice as long. Lambda waits 1 and 2 minutes.
func WithAsyncRetryDelay(d time.Duration) Option { return func(s *Server) { s.retryDelay = d } }
