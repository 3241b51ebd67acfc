//go:build unix

package loadgen

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchmarkScheduler runs the real clock against a no-op target and reports
// how far sends land from their intended times, and what the harness costs.
// A request that does nothing has a latency equal to its send error, so this
// is the floor under every latency loadgen reports.
//
// The default is a short run (1000 rps for 2 s). For the 10 s figure:
//
//	LOADGEN_BENCH_DURATION=10s go test -run '^$' -bench Scheduler -benchtime 1x ./internal/loadgen/
//
// LOADGEN_BENCH_RATE changes the rate. Metrics:
//
//	send-p50/p99/max-µs  Sent - Intended over all requests
//	cpu-ns/req           process CPU (user+sys) per request, spin-wait included
//	cpu-%                that CPU as a share of one core over the run
func BenchmarkScheduler(b *testing.B) {
	rate := envFloat(b, "LOADGEN_BENCH_RATE", 1000)
	duration := envDuration(b, "LOADGEN_BENCH_DURATION", 2*time.Second)
	o := Options{Rate: rate, Duration: duration}
	noop := func(context.Context, int) (any, error) { return nil, nil }

	sendErr := newHistogram()
	var requests int
	var cpu, wall time.Duration
	for range b.N {
		cpu0, wall0 := cpuTime(b), time.Now()
		st, err := Run(context.Background(), o, noop, nil)
		wall += time.Since(wall0)
		cpu += cpuTime(b) - cpu0
		if err != nil {
			b.Fatal(err)
		}
		sendErr.Merge(st.SendError)
		requests += st.Completed
	}
	b.ReportMetric(0, "ns/op") // one op is a whole run: meaningless here
	b.ReportMetric(float64(sendErr.ValueAtQuantile(50)), "send-p50-µs")
	b.ReportMetric(float64(sendErr.ValueAtQuantile(99)), "send-p99-µs")
	b.ReportMetric(float64(sendErr.Max()), "send-max-µs")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(requests), "cpu-ns/req")
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
}

// BenchmarkHarnessPath is the cost of the scheduler → worker → collector
// path alone: a clock that never sleeps, b.N requests, a no-op target.
// ns/op is harness overhead per request.
func BenchmarkHarnessPath(b *testing.B) {
	for _, tc := range []struct {
		name        string
		maxInFlight int
	}{
		{"one-worker", 1},  // every request queued behind the last
		{"default-cap", 0}, // workers started on demand, up to 10000
	} {
		b.Run(tc.name, func(b *testing.B) {
			o := Options{Rate: float64(b.N), Duration: time.Second, MaxInFlight: tc.maxInFlight, Clock: instantClock{}}
			noop := func(context.Context, int) (any, error) { return nil, nil }
			b.ReportAllocs()
			b.ResetTimer()
			st, err := Run(context.Background(), o, noop, func(Result) {})
			if err != nil {
				b.Fatal(err)
			}
			if st.Completed != b.N {
				b.Fatalf("completed %d of %d", st.Completed, b.N)
			}
		})
	}
}

// instantClock reads the wall clock but never waits.
type instantClock struct{}

func (instantClock) Now() time.Time { return time.Now() }

func (instantClock) SleepUntil(ctx context.Context, _ time.Time) error { return ctx.Err() }

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func envFloat(b *testing.B, name string, def float64) float64 {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	return v
}

func envDuration(b *testing.B, name string, def time.Duration) time.Duration {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	return v
}
