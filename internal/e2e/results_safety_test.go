package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
)

// A bench killed with SIGKILL keeps every sample but those of its last flush
// window (250 ms); its file stays readable, a torn last line is skipped with
// a warning, and --resume completes the run with exactly the planned samples.
func TestBenchSurvivesSIGKILL(t *testing.T) {
	const cold, warm, sleepMS = 3, 20, 300
	dir := t.TempDir()
	scenario := filepath.Join(dir, "s.yaml")
	tpl, _ := filepath.Abs("testdata/template.yaml")
	writeFile(t, scenario, "template: "+tpl+"\n"+
		"variants: [{function: Faulty, payload: '{\"sleep_ms\": 300}'}]\n"+
		"phases:\n  - cold: {strategy: reconfigure, samples: 3}\n  - warm: {warmup: 1, samples: 20}\n")
	results := filepath.Join(dir, "r.jsonl")

	cmd := exec.Command(binary, "bench", scenario, "-o", results, "-q", "--no-report")
	cmd.Dir = "../.."
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Kill it in the middle of the warm phase, where a sample ends every
	// ~300 ms (too few to fill the write buffer, so only the flush timer
	// puts them on disk): the file must hold every sample but the last
	// window's.
	deadline := time.Now().Add(2 * time.Minute)
	for countLines(results, `"phase":"warm"`) < 3 {
		select {
		case err := <-exited:
			t.Fatalf("bench ended before it could be killed: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no warm samples after 2 minutes\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Not right after the flush we just saw: longer after it than the
	// loss allowed below, so a writer that flushed less often would fail.
	time.Sleep(2 * time.Second)
	killedAt := time.Now()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited

	res, err := bench.ReadFile(results)
	if err != nil {
		t.Fatalf("results of a killed bench unreadable: %v", err)
	}
	var last time.Time
	for _, s := range res.Samples {
		if s.DoneAt.After(last) {
			last = s.DoneAt
		}
	}
	// 250 ms flush window + one sample interval + scheduling slack.
	if lost := killedAt.Sub(last); lost > 250*time.Millisecond+sleepMS*time.Millisecond+300*time.Millisecond {
		t.Errorf("last sample on disk ended %v before the kill: more than the flush window was lost", lost)
	}
	t.Logf("killed after %d samples; last on disk ended %v before the kill; %d warnings",
		len(res.Samples), killedAt.Sub(last).Round(time.Millisecond), len(res.Warnings))

	// A kill mid-write leaves part of a line; make sure this file has one,
	// whether or not the kill happened to land inside a write.
	raw, _ := os.ReadFile(results)
	if bytes.HasSuffix(raw, []byte("\n")) {
		f, err := os.OpenFile(results, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(`{"kind":"sample","run":"torn","variant":"Fau`)
		f.Close()
	}
	if _, errOut, code := run(t, nil, "report", results, "-f", "csv"); code != 0 || !strings.Contains(errOut, "incomplete last line") {
		t.Errorf("report of a torn file: exit %d, want 0 and a warning about the torn line; stderr:\n%s", code, errOut)
	}

	out, errOut, code := run(t, nil, "bench", scenario, "--resume", results, "-q", "--no-report")
	if code != 0 {
		t.Fatalf("resume: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out+errOut, "incomplete last line") {
		t.Errorf("resume did not warn about the torn line:\n%s%s", out, errOut)
	}

	res, err = bench.ReadFile(results)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("resumed file has warnings (torn tail not cut?): %q", res.Warnings)
	}
	type key struct {
		phase    int
		rep, seq int
	}
	seen := map[key]int{}
	for _, s := range res.Samples {
		if s.Flag != bench.FlagWarmup {
			seen[key{s.PhaseIndex, s.Rep, s.Seq}]++
		}
	}
	if len(seen) != cold+warm {
		t.Errorf("%d distinct measured samples after resume, want %d", len(seen), cold+warm)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("sample %+v recorded %d times", k, n)
		}
	}
}

// countLines counts the lines of path containing substr (0 if it is missing).
func countLines(path, substr string) int {
	b, _ := os.ReadFile(path)
	return bytes.Count(b, []byte(substr))
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
