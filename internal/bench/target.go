package bench

import (
	"context"
	"time"

	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// Target runs invokes: the embedded local platform, any Lambda-API endpoint,
// or AWS Lambda. All of them speak the Lambda API, so one implementation
// (package target) serves all three.
type Target interface {
	Info() TargetInfo
	// Function describes a function as configured before the run, and
	// remembers that configuration for Restore.
	Function(ctx context.Context, name string) (VariantInfo, error)
	// SetMemory sets a function's memory size and returns once the change is
	// live (the next invoke runs with it, in a new environment).
	SetMemory(ctx context.Context, name string, memoryMB int) error
	// ForceCold makes the function's next invokes start new environments,
	// by changing an environment variable and waiting for the update.
	ForceCold(ctx context.Context, name string) error
	// Invoke calls the function once with LogType Tail.
	Invoke(ctx context.Context, name string, payload []byte) Invocation
	// IdleLifetime is how long an idle environment survives; 0 if unknown.
	IdleLifetime() time.Duration
	// Restore puts back every configuration the run changed.
	Restore(ctx context.Context) error
}

// Invocation is what one Invoke call observed.
type Invocation struct {
	RequestID     string
	Status        int // HTTP status; 0 when no response arrived
	FunctionError string
	Payload       []byte
	Report        reportlog.Report
	HasReport     bool
	Err           error // the call failed (throttled, refused, timed out…)
	Sent, Done    time.Time
}
