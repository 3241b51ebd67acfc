package runtimes_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
	"github.com/coldstartlab/coldstart/internal/runtimes"
)

// cacheDir is one client cache for the whole test binary, so the Java client
// is compiled once, not once per test.
var cacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "coldstart-runtimes-test-")
	if err != nil {
		panic(err)
	}
	cacheDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// function is one test function: a managed runtime, a handler and its code.
type function struct {
	Name     string            // default "fn"
	Runtime  string            // "nodejs20.x", "python3.11", "java17", …
	Handler  string            // "index.handler", "app.handler", "example.Hello::handleRequest"
	Files    map[string]string // code directory contents, relative path → text
	Dir      string            // or an existing code directory (Files then ignored)
	MemoryMB int               // default 512
	Timeout  time.Duration     // default 10 s
	Env      map[string]string
}

// bed is a platform running test functions, with every log line kept.
type bed struct {
	P  *platform.Platform
	mu sync.Mutex
	ls []platform.LogLine
}

// startRuntime starts a platform running fns. A managed runtime whose
// interpreter is missing skips the test, except under CI=true, where it
// fails: CI installs every interpreter (scripts/setup.sh).
func startRuntime(t *testing.T, fns ...function) *bed {
	t.Helper()
	b := &bed{}
	b.P = platform.New(platform.WithLogSink(func(l platform.LogLine) {
		b.mu.Lock()
		b.ls = append(b.ls, l)
		b.mu.Unlock()
	}))
	t.Cleanup(func() { _ = b.P.Close() })
	for _, f := range fns {
		if f.Name == "" {
			f.Name = "fn"
		}
		if f.MemoryMB == 0 {
			f.MemoryMB = 512
		}
		if f.Timeout == 0 {
			f.Timeout = 10 * time.Second
		}
		dir := f.Dir
		if dir == "" {
			dir = writeCode(t, f.Files)
		}
		l := prepare(t, f.Runtime, dir)
		cfg := platform.FunctionConfig{
			Name: f.Name, Runtime: f.Runtime, Handler: f.Handler, MemoryMB: f.MemoryMB,
			Timeout: f.Timeout, Environment: f.Env, CodeDir: dir,
			Managed: &platform.ManagedRuntime{Command: l.Command, Dir: l.Dir, Env: l.Env, Interpreter: l.Describe()},
		}
		if err := b.P.PutFunction(cfg); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// prepare installs runtime id's client for code in dir, or skips (fails
// under CI) when its interpreter is missing.
func prepare(t *testing.T, id, dir string) *runtimes.Launch {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	l, err := runtimes.Prepare(ctx, id, dir, runtimes.Options{CacheDir: cacheDir})
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("runtime %s must work under CI (scripts/setup.sh installs its interpreter): %v", id, err)
		}
		t.Skipf("runtime %s unavailable here: %v", id, err)
	}
	return l
}

// writeCode writes files into a fresh code directory.
func writeCode(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// invoke runs one invoke of function name and waits for its REPORT.
func (b *bed) invoke(t *testing.T, name, payload string) *platform.Result {
	t.Helper()
	return b.do(t, platform.Request{Function: name, Payload: []byte(payload)})
}

// do runs req and waits for its REPORT.
func (b *bed) do(t *testing.T, req platform.Request) *platform.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req.Tail = true
	res, err := b.P.Invoke(ctx, req)
	if err != nil {
		t.Fatalf("invoke %s: %v", req.Function, err)
	}
	return res
}

// doOK runs req and fails the test unless the function succeeded.
func (b *bed) doOK(t *testing.T, req platform.Request) *platform.Result {
	t.Helper()
	res := b.do(t, req)
	if res.FunctionError != "" {
		t.Fatalf("invoke failed: %s %s\nlog:\n%s", res.ErrorType, res.Payload, res.Log)
	}
	return res
}

// lines returns every log line so far, platform and function, as text.
func (b *bed) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, len(b.ls))
	for i, l := range b.ls {
		out[i] = l.Text
	}
	return out
}

// linesWith returns the log lines that start with prefix.
func (b *bed) linesWith(prefix string) []string {
	var out []string
	for _, l := range b.lines() {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// errorJSON is a runtime's error payload; Node names its stack "trace".
type errorJSON struct {
	ErrorType    string   `json:"errorType"`
	ErrorMessage string   `json:"errorMessage"`
	StackTrace   []string `json:"stackTrace"`
	Trace        []string `json:"trace"`
	RequestID    *string  `json:"requestId"`
}

func parseError(t *testing.T, payload []byte) errorJSON {
	t.Helper()
	var e errorJSON
	if err := json.Unmarshal(payload, &e); err != nil {
		t.Fatalf("error payload is not JSON: %v: %s", err, payload)
	}
	return e
}

// wantOK asserts a successful invoke answering want (compared as JSON when
// want is JSON, byte for byte otherwise) and whether it was cold.
func wantOK(t *testing.T, res *platform.Result, want string, cold bool) {
	t.Helper()
	if res.FunctionError != "" {
		t.Fatalf("invoke failed: %s %s\nlog:\n%s", res.ErrorType, res.Payload, res.Log)
	}
	if !jsonEqual(res.Payload, []byte(want)) {
		t.Fatalf("payload = %s, want %s\nlog:\n%s", res.Payload, want, res.Log)
	}
	if res.Cold != cold {
		t.Fatalf("cold = %v, want %v", res.Cold, cold)
	}
	if res.Report.HasInit != cold {
		t.Fatalf("REPORT has Init Duration = %v, want %v: %+v", res.Report.HasInit, cold, res.Report)
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}
