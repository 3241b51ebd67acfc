package e2e

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
)

func run(t *testing.T, stdin []byte, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = "../.."
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// bench writes results and an HTML report; report renders them in every
// format, from a file or from stdin.
func TestBenchThenReport(t *testing.T) {
	dir := t.TempDir()
	scenario := filepath.Join(dir, "s.yaml")
	tpl, _ := filepath.Abs("testdata/template.yaml")
	os.WriteFile(scenario, []byte("template: "+tpl+"\npayload: '\"x\"'\nvariants: [{function: Uppercase}]\n"+
		"phases:\n  - cold: {strategy: reconfigure, samples: 3}\n  - warm: {warmup: 1, samples: 10}\n"), 0o644)
	results := filepath.Join(dir, "r.jsonl")
	if _, errOut, code := run(t, nil, "bench", scenario, "-o", results, "-q"); code != 0 {
		t.Fatalf("bench: %d\n%s", code, errOut)
	}
	page, err := os.ReadFile(filepath.Join(dir, "r.html"))
	if err != nil || !bytes.Contains(page, []byte(`<figure id="cold-init">`)) {
		t.Fatalf("bench wrote no HTML report beside the results: %v", err)
	}

	out, errOut, code := run(t, nil, "report", results, "-f", "json")
	var doc struct {
		Schema string           `json:"schema"`
		Rows   []map[string]any `json:"rows"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc.Schema != "coldstart.report/v1" || len(doc.Rows) < 3 {
		t.Fatalf("report -f json: %d %s\n%s", code, errOut, out)
	}
	md := filepath.Join(dir, "REPORT.md")
	if _, errOut, code := run(t, nil, "report", results, "-o", md); code != 0 {
		t.Fatalf("report -o .md: %s", errOut)
	}
	if b, _ := os.ReadFile(md); !bytes.HasPrefix(b, []byte("# coldstart report")) {
		t.Errorf("-o REPORT.md did not write Markdown:\n%s", b)
	}
	raw, _ := os.ReadFile(results)
	if out, _, code := run(t, raw, "report", "-f", "csv"); code != 0 || !strings.HasPrefix(out, "variant,memory_mb,") {
		t.Errorf("report from stdin: %d\n%s", code, out)
	}
	if _, errOut, code := run(t, nil, "report", results, "-f", "pdf"); code == 0 || !strings.Contains(errOut, `unknown format "pdf"`) {
		t.Errorf("bad format: %d %s", code, errOut)
	}
}

// writeResults writes a synthetic results file: n cold starts around coldMS.
func writeResults(t *testing.T, path string, seed uint64, coldMS float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	w, err := bench.Create(path, bench.Run{ID: filepath.Base(path), ScenarioHash: "h", Target: bench.TargetInfo{Kind: "local", Region: "us-east-1"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		init := coldMS * math.Exp(rng.NormFloat64()*0.05)
		w.Sample(bench.Sample{Variant: "fn", MemoryMB: 512, Arch: "x86_64", Phase: bench.PhaseCold, Seq: i, Status: 200,
			Cold: true, InitMS: init, DurationMS: 2, BilledMS: int64(init) + 3, MaxMemoryMB: 30, ClientMS: init + 4,
			IntendedAt: time.Unix(int64(i), 0)})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// compare is a CI gate: a significant regression beyond the threshold fails
// the command, the same results do not.
func TestCompareGate(t *testing.T) {
	dir := t.TempDir()
	base, same, slower := filepath.Join(dir, "base.jsonl"), filepath.Join(dir, "same.jsonl"), filepath.Join(dir, "slower.jsonl")
	writeResults(t, base, 1, 100)
	writeResults(t, same, 2, 100)
	writeResults(t, slower, 3, 130)

	out, errOut, code := run(t, nil, "compare", base, same, "--fail-if", "cold.p50>+10%")
	if code != 0 {
		t.Errorf("equal distributions failed the gate (%d):\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = run(t, nil, "compare", base, slower, "--fail-if", "cold.p50>+10%")
	if code != 1 || !strings.Contains(errOut, "cold.init") {
		t.Errorf("a 30%% regression passed the gate (%d):\n%s\n%s", code, out, errOut)
	}
	if _, errOut, code := run(t, nil, "compare", base, slower, "--fail-if", "colt.p50>+10%"); code == 0 || !strings.Contains(errOut, `unknown metric "colt"`) {
		t.Errorf("bad condition: %d %s", code, errOut)
	}
}

func TestAnalyzeCloudWatchLogs(t *testing.T) {
	out, errOut, code := run(t, nil, "analyze", "internal/reportlog/testdata/tail.txt")
	if code != 0 || !strings.Contains(out, "Cold start (Init):") || !strings.Contains(errOut, "REPORTs") {
		t.Fatalf("analyze: %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "client") {
		t.Errorf("CloudWatch logs carry no client latency, yet the report shows one:\n%s", out)
	}
}
