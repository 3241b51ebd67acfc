package analyze

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/report"
	"github.com/coldstartlab/coldstart/internal/stats"
)

// TestAnalyzeEndToEnd does what `coldstart analyze` does: load captures,
// build the report model, render it.
func TestAnalyzeEndToEnd(t *testing.T) {
	res, sum, err := Load([]string{td("insights.csv"), td("json.log")}, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	m := report.Build(res, report.Options{Stats: stats.Options{Seed: 1, Resamples: 200}})
	var labels []string
	for _, g := range m.Groups {
		labels = append(labels, g.Label())
	}
	if want := []string{"orders-jit @ 1024 MB", "orders-aot @ 1024 MB", "orders @ 256 MB"}; !reflect.DeepEqual(labels, want) {
		t.Fatalf("groups %v, want %v", labels, want)
	}
	jit, aot, orders := m.Groups[0], m.Groups[1], m.Groups[2]
	if jit.Cold.N != 3 || jit.Warm.N != 4 || aot.Cold.N != 3 || aot.Warm.N != 4 || jit.MaxMemoryMB != 96 {
		t.Errorf("jit %+v\naot %+v", jit, aot)
	}
	// The failed invoke counts as failed and stays out of the warm figures.
	if orders.Cold.N != 1 || orders.Warm.N != 1 || orders.Failed != 1 || orders.Invokes != 3 {
		t.Errorf("orders %+v", orders)
	}
	if m.Run.Target.Region != "eu-central-1" || m.ColdRatio != sum.ColdRatio || jit.CostPer1M == 0 {
		t.Errorf("region %q, cold ratio %v (summary %v), cost %v", m.Run.Target.Region, m.ColdRatio, sum.ColdRatio, jit.CostPer1M)
	}
	if len(m.Findings) == 0 || !strings.Contains(m.Findings[0].Text, "orders-aot") {
		t.Errorf("findings %+v", m.Findings)
	}

	var out bytes.Buffer
	if err := m.Render(&out, report.FormatTable, report.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"orders-jit @ 1024 MB  (x86_64)", "Cold start (Init):", "warning: " + filepath.FromSlash("testdata/insights.csv") + ": 1 malformed", "1 of 3 invokes failed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// TestAnalyzeResultsRoundTrip checks that imported results are a valid
// results stream: written and read back, they are the same.
func TestAnalyzeResultsRoundTrip(t *testing.T) {
	res, _, err := Load([]string{td("tail.txt"), td("text.log")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "results.jsonl")
	w, err := bench.Create(path, res.Run)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Samples {
		if err := w.Sample(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	back, err := bench.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Warnings) != 0 || !reflect.DeepEqual(back.Samples, res.Samples) || back.Run.ID != res.Run.ID {
		t.Errorf("read back differs: %d samples, warnings %v", len(back.Samples), back.Warnings)
	}
}
