package platform

import (
	"errors"
	"fmt"
	"time"

	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// Errors Invoke returns when it cannot run the invoke at all. Failures of the
// function itself are not errors: they are data on the Result.
var (
	ErrFunctionNotFound = errors.New("function not found")
	ErrTooManyRequests  = errors.New("concurrency limit reached")
	// ErrReservedConcurrency is the function's own reservation being used
	// up; errors.Is(err, ErrTooManyRequests) holds for it too.
	ErrReservedConcurrency = fmt.Errorf("%w: the function's reserved concurrency is in use", ErrTooManyRequests)
	ErrShuttingDown        = errors.New("platform is shutting down")
)

// FunctionErrorUnhandled is the X-Amz-Function-Error value for every failed invoke.
const FunctionErrorUnhandled = "Unhandled"

// Request is one invoke.
type Request struct {
	Function        string
	RequestID       string // generated when empty
	Payload         []byte
	ContentType     string
	InvokedARN      string // the ARN as the caller named it; the unqualified ARN when empty
	TraceID         string // X-Ray header; generated when empty
	ClientContext   string // JSON, decoded from X-Amz-Client-Context
	CognitoIdentity string // JSON
	// Tail makes Invoke wait until the invoke is complete (REPORT written) and
	// return its log. Without it Invoke returns as soon as the runtime has
	// responded, as Lambda does, and the Report and Log fields are empty.
	Tail bool
}

// Result is the outcome of an invoke.
type Result struct {
	RequestID     string
	Payload       []byte
	FunctionError string // FunctionErrorUnhandled when the invoke failed, else ""
	ErrorType     string // the failure's error type, when FunctionError is set
	Cold          bool   // the invoke started a new environment
	EnvironmentID string
	// InitDuration is the on-demand init that ran for this invoke (Cold and
	// successful init only).
	InitDuration time.Duration
	Duration     time.Duration
	// PlatformOverhead is the time from receiving a cold invoke to the
	// runtime's exec, plus the sandbox's own set-up after it (the cgroup v1
	// attach while the runtime is held at exec): sandbox and listener
	// set-up, never part of Init Duration.
	PlatformOverhead time.Duration

	Report reportlog.Report // only with Request.Tail
	Log    []byte           // the invoke's log lines, newline-terminated; only with Request.Tail
}
