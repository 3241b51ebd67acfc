package bench

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// instantTarget answers every invoke at once, so a benchmark measures only
// the harness: sampling, recording to JSONL, progress.
type instantTarget struct{}

func (instantTarget) Info() TargetInfo { return TargetInfo{Kind: "instant"} }
func (instantTarget) Function(context.Context, string) (VariantInfo, error) {
	return VariantInfo{MemoryMB: 128}, nil
}
func (instantTarget) SetMemory(context.Context, string, int) error { return nil }
func (instantTarget) ForceCold(context.Context, string) error      { return nil }
func (instantTarget) IdleLifetime() time.Duration                  { return 0 }
func (instantTarget) Restore(context.Context) error                { return nil }
func (instantTarget) Invoke(context.Context, string, []byte) Invocation {
	now := time.Now()
	return Invocation{RequestID: "00000000-0000-4000-8000-000000000000", Status: 200, Payload: []byte(`"HI"`), HasReport: true,
		Report: reportlog.Report{DurationMS: 1, BilledMS: 1, MemorySizeMB: 128, MaxMemoryUsedMB: 8}, Sent: now, Done: now}
}

// BenchmarkHarnessOverheadPerInvoke is the harness's own cost per sample in
// a warm phase: ns/op is per invoke, including the fsynced JSONL record.
func BenchmarkHarnessOverheadPerInvoke(b *testing.B) {
	sc, err := Parse([]byte(`
variants: [{function: f}]
phases: [{warm: {warmup: 0, samples: 1000}}]
`), filepath.Join(b.TempDir(), "s.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i += 1000 {
		b.StopTimer()
		w, err := Create(filepath.Join(b.TempDir(), "r.jsonl"), Run{ID: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		r := &Runner{Scenario: sc, Target: instantTarget{}, Out: w, Progress: NopProgress{}, RunID: "bench"}
		b.StartTimer()
		if err := r.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		w.Close()
		b.StartTimer()
	}
}
