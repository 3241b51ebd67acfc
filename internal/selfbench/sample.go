package selfbench

import (
	"slices"
	"time"
)

// Figure is one measured quantity.
type Figure struct {
	Name string        `json:"name"`
	N    int           `json:"n"`
	P50  time.Duration `json:"p50_ns"`
	P99  time.Duration `json:"p99_ns"`
	P999 time.Duration `json:"p999_ns,omitempty"` // only for figures of 1000 samples or more
	Mean time.Duration `json:"mean_ns"`
	Min  time.Duration `json:"min_ns"`
	// PerSec is the throughput of a closed-loop figure: samples per second of
	// wall time, all clients together.
	PerSec float64 `json:"per_sec,omitempty"`
	// Concurrency is how many clients ran at once (0 for sequential figures).
	Concurrency int `json:"concurrency,omitempty"`
	// CPU is the processor time each side spent per call (warm-up calls
	// included), for the closed-loop figures. On a machine with few cores it
	// bounds the latency: a side that needs more CPU per call than the floor
	// cannot match the floor's latency.
	CPU []ProcessCPU    `json:"cpu,omitempty"`
	raw []time.Duration // unsorted samples
}

func figure(name string, samples []time.Duration) Figure {
	f := Figure{Name: name, N: len(samples), raw: samples}
	if len(samples) == 0 {
		return f
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	f.Min, f.Mean = s[0], sum/time.Duration(len(s))
	f.P50, f.P99 = rank(s, 0.50), rank(s, 0.99)
	if len(s) >= 1000 {
		f.P999 = rank(s, 0.999)
	}
	return f
}

// rank is the nearest-rank percentile of sorted samples.
func rank(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// timeN runs f n times and returns each duration; the first warmup runs are discarded.
func timeN(n, warmup int, f func() error) ([]time.Duration, error) {
	out := make([]time.Duration, 0, n)
	for i := range n + warmup {
		t0 := time.Now()
		if err := f(); err != nil {
			return out, err
		}
		if i >= warmup {
			out = append(out, time.Since(t0))
		}
	}
	return out, nil
}

// ProcessCPU is one side's processor time per call: user and system, all
// threads.
type ProcessCPU struct {
	Process string        `json:"process"`
	PerCall time.Duration `json:"per_call_ns"`
}

// CPUPerCall is the processor time per call of every side together.
func (f Figure) CPUPerCall() time.Duration {
	var sum time.Duration
	for _, c := range f.CPU {
		sum += c.PerCall
	}
	return sum
}
