package report

import (
	"io"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/stats"
)

// million returns a million samples: 2 variants × 2 memory sizes, each with
// 500 cold starts, 50,000 warm invokes and 199,500 load requests.
func million() *bench.Results {
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	res := &bench.Results{Run: bench.Run{Kind: bench.KindRun, ID: "million", Target: bench.TargetInfo{Kind: "local", Region: "us-east-1"}, ColdRatio: 0.01}}
	res.Samples = make([]bench.Sample, 0, 1_000_000)
	for _, v := range []string{"go", "java"} {
		for _, mb := range []int{512, 1024} {
			add := func(phase string, n int, init, dur float64) {
				for i := range n {
					s := bench.Sample{Kind: bench.KindSample, Variant: v, MemoryMB: mb, Arch: "x86_64", Phase: phase, Seq: i, Status: 200,
						DurationMS: dur * math.Exp(rng.NormFloat64()*0.3), MaxMemoryMB: 40}
					if init > 0 {
						s.Cold, s.InitMS = true, init*math.Exp(rng.NormFloat64()*0.2)
					}
					s.BilledMS = int64(math.Ceil(s.InitMS + s.DurationMS))
					s.ClientMS = s.InitMS + s.DurationMS + 1
					s.IntendedAt = t0.Add(time.Duration(i) * time.Millisecond)
					res.Samples = append(res.Samples, s)
				}
			}
			add(bench.PhaseCold, 500, 120, 8)
			add(bench.PhaseWarm, 50_000, 0, 2)
			add(bench.PhaseLoad, 199_500, 0, 3)
		}
	}
	return res
}

// BenchmarkMillionSamples builds the model and renders every format for a
// million samples (the target: all of it under 2 s here).
func BenchmarkMillionSamples(b *testing.B) {
	res := million()
	for b.Loop() {
		start := time.Now()
		m := Build(res, Options{Stats: stats.Options{Seed: 1}})
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "build-ms")
		for _, f := range FormatNames {
			t := time.Now()
			if err := m.Render(io.Discard, f, RenderOptions{}); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(time.Since(t).Milliseconds()), f+"-ms")
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "total-ms")
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-rss-MB")
}
