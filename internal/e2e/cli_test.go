package e2e

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// The README's first command: the quickstart benchmark (results into a
// temporary file rather than the checkout).
func TestReadmeQuickStart(t *testing.T) {
	results := filepath.Join(t.TempDir(), "results.jsonl")
	cmd := exec.Command(binary, "bench", "examples/quickstart.yaml", "-o", results)
	cmd.Dir = "../.."
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, want := range []string{"uppercase-go @ 128 MB", "uppercase-go @ 1024 MB", "Cold start (Init):", "Warm:", "per 1M invokes", "fastest at"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout.String())
		}
	}
	res, err := bench.ReadFile(results)
	if err != nil {
		t.Fatal(err)
	}
	// Every cold-phase sample is a verified cold start or flagged as not one.
	cold := 0
	for _, s := range res.Samples {
		if s.Phase == bench.PhaseCold && (s.Cold || s.Flag == bench.FlagNotCold) {
			cold++
		}
	}
	if len(res.Samples) != 3*(20+5+100) || cold != 60 || res.Run.Target.Kind != "local" {
		t.Errorf("%d samples, %d cold-phase samples accounted for, target %q", len(res.Samples), cold, res.Run.Target.Kind)
	}
}

// One invoke on an embedded platform, like sam local invoke.
func TestInvokeWithTemplate(t *testing.T) {
	cmd := exec.Command(binary, "invoke", "--template", "examples/template.yaml", "Uppercase", "--payload", `"hi"`)
	cmd.Dir = "../.."
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if stdout.String() != "\"HI\"\n" {
		t.Errorf("stdout %q", stdout.String())
	}
	var report reportlog.Report
	for _, line := range strings.Split(stderr.String(), "\n") {
		if r, err := reportlog.ParseReport(line); err == nil {
			report = r
		}
	}
	if !report.HasInit || report.MemorySizeMB != 1024 {
		t.Errorf("want a cold REPORT at 1024 MB on stderr:\n%s", stderr.String())
	}
}

func TestInvokeFunctionErrorExitStatus(t *testing.T) {
	s := startServe(t)
	cmd := exec.Command(binary, "invoke", "Faulty", "--endpoint-url", s.url, "--payload", `{"error":"boom"}`)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want status 1", err)
	}
	if !strings.Contains(string(out), `"errorMessage":"boom"`) {
		t.Errorf("stdout %q lacks the error payload", out)
	}
}

// selfbench prints every figure of issue 9, each with samples, and judges
// every target; tiny counts keep it quick. Whether a target passes depends on
// the machine, so the test checks only that each one was judged.
func TestSelfbenchReportsEveryFigure(t *testing.T) {
	cmd := exec.Command(binary, "selfbench", "--template", "internal/e2e/testdata/template.yaml", "--json",
		"--warm", "20", "--cold", "3", "--concurrency", "1,4", "--burst", "8", "--burst-delay", "1s",
		"--rate", "100", "--rate-duration", "300ms")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	type openLoop struct {
		Sent    int
		Errors  int
		SendP99 *int64 `json:"send_error_p99_ns"`
	}
	var res struct {
		Sandbox string
		Figures []struct {
			Name        string
			N           int
			P50         int64   `json:"p50_ns"`
			PerSec      float64 `json:"per_sec"`
			Concurrency int
			CPU         []struct {
				Process string
				PerCall int64 `json:"per_call_ns"`
			}
		}
		Burst struct {
			N, Errors, Environments, Runtimes int
			Wall                              int64 `json:"wall_ns"`
			PlatformRSS                       int64 `json:"platform_rss_bytes"`
			RuntimeRSS                        int64 `json:"runtime_rss_bytes"`
		}
		OpenLoop      openLoop `json:"open_loop"`
		OpenLoopFloor openLoop `json:"open_loop_floor"`
		Targets       []struct {
			Name   string
			Pass   bool
			Detail string
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// floor, warm HTTP, warm SDK, floor and warm at 4, two bare exec floors, four cold figures
	if res.Sandbox == "" || len(res.Figures) != 11 {
		t.Fatalf("result %+v", res)
	}
	concurrent := 0
	for _, f := range res.Figures {
		if f.N != 20 && f.N != 3 || f.P50 <= 0 {
			t.Errorf("figure %q: n=%d p50=%d", f.Name, f.N, f.P50)
		}
		if f.Concurrency > 0 && f.PerSec <= 0 {
			t.Errorf("figure %q at concurrency %d has no throughput", f.Name, f.Concurrency)
		}
		// Closed-loop figures say what CPU each side spent per call: this
		// process (exact, from getrusage) and the other side.
		if f.Concurrency > 0 && (len(f.CPU) != 2 || f.CPU[0].PerCall <= 0 || f.CPU[1].Process == "" || f.CPU[1].PerCall < 0) {
			t.Errorf("figure %q: CPU per call %+v", f.Name, f.CPU)
		}
		if f.Concurrency == 4 {
			concurrent++
		}
	}
	if concurrent != 2 {
		t.Errorf("%d figures at concurrency 4, want the floor and the warm invoke", concurrent)
	}
	// Whether all 8 got their own environment depends on the machine's load
	// (TestBurstGetsOneEnvironmentPerInvoke checks that); each one counted does.
	if b := res.Burst; b.N != 8 || b.Errors != 0 || b.Environments == 0 || b.Runtimes != b.Environments || b.Wall <= 0 || b.PlatformRSS <= 0 || b.RuntimeRSS <= 0 {
		t.Errorf("burst %+v", b)
	}
	for name, o := range map[string]openLoop{"platform": res.OpenLoop, "floor": res.OpenLoopFloor} {
		if o.Sent != 30 || o.Errors != 0 || o.SendP99 == nil {
			t.Errorf("open loop against the %s: %+v", name, o)
		}
	}
	if len(res.Targets) != 5 {
		t.Errorf("targets %+v, want 5 judged", res.Targets)
	}
	for _, tg := range res.Targets {
		if tg.Name == "" || tg.Detail == "" {
			t.Errorf("target %+v", tg)
		}
	}
}

// A template of managed runtimes runs on the machine's interpreters, like
// `sam local invoke` without Docker.
func TestInvokeManagedRuntimes(t *testing.T) {
	for _, fn := range []string{"UppercaseNode", "UppercasePython"} {
		t.Run(fn, func(t *testing.T) {
			stdout, stderr, code := run(t, nil, "invoke", "--template", "examples/managed/template.yaml", fn, "--payload", `"hi"`)
			if code != 0 || stdout != "\"HI\"\n" || !strings.Contains(stderr, "Init Duration") {
				t.Errorf("exit %d, stdout %q; want \"HI\" and a cold REPORT on stderr:\n%s", code, stdout, stderr)
			}
		})
	}
}

func TestRuntimeFlagErrors(t *testing.T) {
	for _, tc := range []struct{ flag, want string }{
		{"dotnet8=/usr/bin/dotnet", `--runtime: "dotnet8" is neither a runtime`},
		{"python3.11=/nonexistent/python3.11", "/nonexistent/python3.11"},
	} {
		_, stderr, code := run(t, nil, "invoke", "--template", "examples/managed/template.yaml", "--runtime", tc.flag, "UppercasePython")
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("--runtime %s: exit %d, want a failure mentioning %q:\n%s", tc.flag, code, tc.want, stderr)
		}
	}
}
