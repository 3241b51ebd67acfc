package selfbench

import (
	"fmt"
	"os"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// cold measures a bare exec of the bootstrap, then cold invokes: as the
// client sees them, and as the platform's REPORT and overhead split them.
func (b *bencher) cold(cfg platform.FunctionConfig) error {
	o, p := b.o, b.s.Platform
	fmt.Fprintln(b.progress, "bare exec…")
	bare, err := bareExec(b.ctx, cfg.Bootstrap, cfg.CodeDir, []string{"PATH=" + os.Getenv("PATH"), "TZ=:UTC"}, payload, o.Cold)
	if err != nil {
		return fmt.Errorf("bare exec: %w", err)
	}
	b.add(figure(FloorCold, bare.ToNext))
	b.add(figure(FloorColdInvoke, bare.ToResponse))

	fmt.Fprintln(b.progress, "cold invokes…")
	var cold []time.Duration
	for range o.Cold {
		p.Retire(o.Function) // untimed: the previous environment goes first
		settle()
		t0 := time.Now()
		if err := b.post(b.url); err != nil {
			return fmt.Errorf("cold: %w", err)
		}
		cold = append(cold, time.Since(t0))
	}
	b.add(figure(ColdClient, cold))
	var inits, overheads, durations []time.Duration
	for range o.Cold {
		p.Retire(o.Function)
		settle()
		r, err := p.Invoke(b.ctx, platform.Request{Function: o.Function, Payload: payload, Tail: true})
		if err != nil {
			return fmt.Errorf("cold: %w", err)
		}
		if !r.Cold || r.FunctionError != "" {
			return fmt.Errorf("cold invoke was not a clean cold start: cold=%v error=%s", r.Cold, r.FunctionError)
		}
		inits = append(inits, r.InitDuration)
		overheads = append(overheads, r.PlatformOverhead)
		durations = append(durations, r.Duration)
	}
	b.add(figure(ColdInit, inits))
	b.add(figure(ColdPlat, overheads))
	b.add(figure(ColdDuration, durations))
	return nil
}

// settle lets the machine finish tearing down the environment just retired
// before a timed cold start: the kernel releases a memory cgroup's charges
// in a worker thread after the rmdir, which would otherwise compete for the
// CPUs with the cold start being measured. On Lambda a new environment never
// shares a CPU with another's teardown.
func settle() { time.Sleep(settleTime) }

const settleTime = 50 * time.Millisecond
