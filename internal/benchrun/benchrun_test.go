package benchrun

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/lambdaclient"
	"github.com/coldstartlab/coldstart/internal/local"
)

// scenario writes a scenario beside the test template and returns its path.
func scenario(t *testing.T, phases string, extra ...string) string {
	t.Helper()
	tpl, err := filepath.Abs("testdata/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf("name: t\ntemplate: %s\npayload: '\"hi\"'\n%s\nvariants:\n  - name: up\n    function: Uppercase\nphases:\n%s",
		tpl, strings.Join(extra, "\n"), phases)
	path := filepath.Join(t.TempDir(), "scenario.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, ctx context.Context, o Options) *Outcome {
	t.Helper()
	if o.Output == "" && o.Resume == "" {
		o.Output = filepath.Join(t.TempDir(), "results.jsonl")
	}
	out, err := Run(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func samples(t *testing.T, path string) []bench.Sample {
	t.Helper()
	res, err := bench.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return res.Samples
}

// Both forcing strategies yield only verified cold starts on the embedded platform.
func TestForcedColdStartsAreVerified(t *testing.T) {
	path := scenario(t, "  - cold: {strategy: reconfigure, samples: 5}\n  - cold: {strategy: parallel, samples: 6, concurrency: 2}\n")
	out := run(t, context.Background(), Options{Scenario: path})
	ss := samples(t, out.ResultsPath)
	if len(ss) != 11 {
		t.Fatalf("%d samples, want 11", len(ss))
	}
	ids := map[string]bool{}
	for _, s := range ss {
		if !s.Cold || s.InitMS <= 0 || s.Flag != "" || !s.OK() {
			t.Errorf("sample %+v is not a verified cold start", s)
		}
		if ids[s.RequestID] {
			t.Errorf("request id %s twice", s.RequestID)
		}
		ids[s.RequestID] = true
	}
	if g := out.Model.Groups; len(g) != 1 || g[0].Cold.N != 11 || g[0].NotCold != 0 {
		t.Errorf("model: %+v", g)
	}
}

// cancelAfter is progress that cancels the run after n samples.
type cancelAfter struct {
	bench.NopProgress
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Phase(string, int) bench.PhaseProgress { return c }
func (c *cancelAfter) Status(string)                         {}
func (c *cancelAfter) Done()                                 {}
func (c *cancelAfter) Add(*bench.Sample) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n--; c.n == 0 {
		c.cancel()
	}
}

type sampleKey struct {
	phase, rep, seq int
	mem             int
}

func measured(ss []bench.Sample) map[sampleKey]int {
	out := map[sampleKey]int{}
	for _, s := range ss {
		if s.Flag != bench.FlagWarmup {
			out[sampleKey{s.PhaseIndex, s.Rep, s.Seq, s.MemoryMB}]++
		}
	}
	return out
}

// An interrupted run, resumed, ends with exactly the samples of an
// uninterrupted one: each measured once.
func TestResumeCompletesTheRun(t *testing.T) {
	phases := "  - cold: {strategy: reconfigure, samples: 4}\n  - warm: {warmup: 2, samples: 6}\n" +
		"  - load: {rate: 40, duration: 250ms, runs: 2}\n  - burst: {concurrency: 3}\n"
	path := scenario(t, phases, "memory: [256, 512]")

	full := measured(samples(t, run(t, context.Background(), Options{Scenario: path}).ResultsPath))
	want := 2 * (4 + 6 + 2*10 + 3)
	if len(full) != want {
		t.Fatalf("uninterrupted run: %d measured samples, want %d", len(full), want)
	}

	for _, stopAfter := range []int{3, 17, 40} {
		t.Run(fmt.Sprintf("stopped after %d", stopAfter), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			file := filepath.Join(t.TempDir(), "results.jsonl")
			first := run(t, ctx, Options{Scenario: path, Output: file, Progress: &cancelAfter{n: stopAfter, cancel: cancel}})
			if !first.Interrupted {
				t.Fatal("run was not interrupted")
			}
			resumed := run(t, context.Background(), Options{Scenario: path, Resume: file})
			if resumed.Interrupted {
				t.Fatal("resumed run was interrupted")
			}
			got := measured(samples(t, file))
			if len(got) != len(full) {
				t.Fatalf("after resume: %d measured samples, want %d", len(got), len(full))
			}
			for k, n := range got {
				if n != 1 || full[k] != 1 {
					t.Fatalf("sample %+v recorded %d times", k, n)
				}
			}
		})
	}
}

func TestResumeRefusesAChangedScenario(t *testing.T) {
	path := scenario(t, "  - warm: {warmup: 0, samples: 2}\n")
	out := run(t, context.Background(), Options{Scenario: path})
	if err := os.WriteFile(path, append(mustRead(t, path), "# changed\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), Options{Scenario: path, Resume: out.ResultsPath}); err == nil || !strings.Contains(err.Error(), "has changed") {
		t.Fatalf("resume of a changed scenario: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recorder is a reverse proxy in front of a local server that notes every
// Lambda API call, as a remote AWS endpoint would see them.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) note(req *http.Request, body string) {
	op := req.Method + " " + req.URL.Path
	switch {
	case req.Method == "GET" && strings.HasSuffix(req.URL.Path, "/configuration"):
		op = "GetFunctionConfiguration"
	case req.Method == "GET":
		op = "GetFunction"
	case req.Method == "PUT" && strings.HasSuffix(req.URL.Path, "/configuration"):
		op = "UpdateFunctionConfiguration " + body
	case req.Method == "POST" && strings.HasSuffix(req.URL.Path, "/invocations"):
		op = "Invoke"
	}
	r.mu.Lock()
	r.calls = append(r.calls, op)
	r.mu.Unlock()
}

// The AWS target's request sequence, against the local server standing in
// for AWS: set memory → wait → invoke …, force cold → wait → invoke, and
// finally restore the original configuration → wait.
func TestTargetRequestSequence(t *testing.T) {
	ctx := context.Background()
	srv, err := local.Start(ctx, local.Options{Template: "testdata/template.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	upstream, _ := url.Parse(srv.URL)
	rec := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(upstream)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := ""
		if r.Method == "PUT" {
			b := make([]byte, 4096)
			n, _ := r.Body.Read(b)
			body = string(b[:n])
			r.Body = readCloser{strings.NewReader(body)}
			r.ContentLength = int64(len(body))
		}
		rec.note(r, body)
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()

	path := scenario(t, "  - cold: {strategy: reconfigure, samples: 2}\n  - warm: {warmup: 0, samples: 2}\n", "memory: [256]")
	out := run(t, ctx, Options{Scenario: path, Target: "endpoint", Endpoint: front.URL})
	if out.Model.Groups[0].Cold.N != 2 {
		t.Fatalf("cold samples: %d", out.Model.Groups[0].Cold.N)
	}

	var ops []string
	for _, c := range rec.calls {
		switch {
		case strings.HasPrefix(c, "UpdateFunctionConfiguration"):
			switch {
			case strings.Contains(c, `"MemorySize":256`):
				ops = append(ops, "set-memory")
			case strings.Contains(c, "COLDSTART_NONCE"):
				ops = append(ops, "force-cold")
			case strings.Contains(c, `"MemorySize":1024`):
				ops = append(ops, "restore")
			default:
				ops = append(ops, c)
			}
		case c == "GetFunction" && len(ops) > 0 && strings.HasSuffix(ops[len(ops)-1], "wait"):
			// repeated polls fold into one wait
		case c == "GetFunction" && len(ops) > 0 && ops[len(ops)-1] != "describe":
			ops = append(ops, "wait")
		case c == "GetFunction":
			ops = append(ops, "describe")
		default:
			ops = append(ops, strings.ToLower(c))
		}
	}
	want := "describe set-memory wait force-cold wait invoke force-cold wait invoke invoke invoke restore wait"
	if got := strings.Join(ops, " "); got != want {
		t.Fatalf("request sequence:\n got %s\nwant %s\n(raw: %q)", got, want, rec.calls)
	}

	// The function is exactly as it was.
	client, err := lambdaclient.New(ctx, lambdaclient.Options{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("Uppercase")})
	if err != nil {
		t.Fatal(err)
	}
	env := cfg.Configuration.Environment.Variables
	if aws.ToInt32(cfg.Configuration.MemorySize) != 1024 || len(env) != 1 || env["FIRST_INVOKE_DELAY_MS"] != "30" {
		t.Fatalf("configuration after the run: memory %d env %v", aws.ToInt32(cfg.Configuration.MemorySize), env)
	}
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

// Ctrl-C mid-run still restores what the run changed.
func TestInterruptedRunRestores(t *testing.T) {
	srv, err := local.Start(context.Background(), local.Options{Template: "testdata/template.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := scenario(t, "  - cold: {strategy: reconfigure, samples: 50}\n", "memory: [384]")
	out := run(t, ctx, Options{Scenario: path, Target: "endpoint", Endpoint: srv.URL, Progress: &cancelAfter{n: 2, cancel: cancel}})
	if !out.Interrupted || out.Samples >= 50 {
		t.Fatalf("interrupted %v after %d samples", out.Interrupted, out.Samples)
	}
	cfg, ok := srv.Platform.Function("Uppercase")
	if !ok || cfg.MemoryMB != 1024 || len(cfg.Environment) != 1 {
		t.Fatalf("after Ctrl-C: memory %d env %v", cfg.MemoryMB, cfg.Environment)
	}
}
