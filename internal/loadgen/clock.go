package loadgen

import (
	"context"
	"runtime"
	"time"
)

// Clock is the source of time for a run; tests pass a fake one so that
// nothing depends on the wall clock.
type Clock interface {
	Now() time.Time
	// SleepUntil blocks until t or ctx is done (returns ctx.Err() then).
	SleepUntil(ctx context.Context, t time.Time) error
}

// RealClock returns the wall clock: time.Now, and a SleepUntil that is
// typically within a few microseconds of its deadline and costs about a
// quarter of a core at 1000 rps, next to nothing at 1 rps (BenchmarkScheduler).
//
// Notes:
//   - Go's timers wake up to about a millisecond late on Linux (the idle
//     netpoller waits in whole milliseconds), so the runtime timer is only
//     trusted to within timerSlop of the deadline;
//   - the rest is covered with short nanosleeps (nap), and the last napSlack
//     by yielding: a nap ends after the kernel's 50 µs timer slack plus the
//     wake-up, which on a VM is often past 100 µs (measured: p50 send error
//     16 µs with 100 µs of yielding, 2 µs with 200 µs);
//   - a pure yield loop would be as accurate on an idle machine but costs a
//     whole core at 1000 rps, and on a busy one the kernel then treats the
//     generator as a CPU hog and delays it by whole time slices;
//   - a nap holds its OS thread and the goroutine's P, so naps are capped at
//     napMax and each is preceded by a yield: a worker just handed a request
//     runs first.
func RealClock() Clock { return realClock{} }

const (
	timerSlop = 2 * time.Millisecond
	napSlack  = 200 * time.Microsecond
	napMax    = 250 * time.Microsecond
)

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) SleepUntil(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d := time.Until(t) - timerSlop; d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
	for {
		runtime.Gosched()
		rem := time.Until(t)
		if rem <= 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if rem > napSlack {
			nap(min(rem-napSlack, napMax))
		}
	}
}
