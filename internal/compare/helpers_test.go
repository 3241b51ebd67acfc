package compare

import (
	"bytes"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/stats"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testOptions are fixed so intervals, p-values and golden files never change.
var testOptions = Options{Stats: stats.Options{Seed: 7, Resamples: 2000}}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// logNormal draws n latencies around median with log-space spread sigma
// (0.1 is about ±10%), the usual shape of latencies.
func logNormal(n int, median, sigma float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = median * math.Exp(sigma*rng.NormFloat64())
	}
	return xs
}

// spec is one group of a synthetic results file.
type spec struct {
	variant     string
	memoryMB    int
	cold        []float64 // Init Duration of verified cold starts (ms)
	warm        []float64 // Duration of warm invokes (ms)
	maxMemoryMB int       // 0: 60 MB
}

// results builds a results file with a run header and the groups' samples.
func results(id, hash string, specs ...spec) *bench.Results {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	res := &bench.Results{Run: bench.Run{Kind: bench.KindRun, ID: id, ScenarioHash: hash, Version: "v0.0.0-test",
		Target: bench.TargetInfo{Kind: "local", Region: "us-east-1"}, ColdRatio: 0.01}}
	for _, g := range specs {
		mem := g.maxMemoryMB
		if mem == 0 {
			mem = 60
		}
		add := func(s bench.Sample) {
			s.Kind, s.Run, s.Variant, s.MemoryMB, s.Arch = bench.KindSample, id, g.variant, g.memoryMB, "x86_64"
			s.Status, s.MaxMemoryMB = 200, mem
			s.IntendedAt = t0.Add(time.Duration(len(res.Samples)) * time.Second)
			s.SentAt, s.DoneAt = s.IntendedAt, s.IntendedAt.Add(time.Duration(s.ClientMS*float64(time.Millisecond)))
			res.Samples = append(res.Samples, s)
		}
		for i, x := range g.cold {
			add(bench.Sample{Phase: bench.PhaseCold, Seq: i, Cold: true, InitMS: x, DurationMS: 5,
				BilledMS: int64(math.Ceil(x + 5)), ClientMS: x + 8})
		}
		for i, x := range g.warm {
			add(bench.Sample{Phase: bench.PhaseWarm, PhaseIndex: 1, Seq: i, DurationMS: x,
				BilledMS: int64(math.Ceil(x)), ClientMS: x + 1})
		}
	}
	return res
}
