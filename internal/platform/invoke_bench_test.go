package platform

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/coldstartlab/coldstart/internal/sandbox"
)

// benchRuntimeVar makes the test binary itself the runtime process: the real
// aws-lambda-go loop, with no build step in the benchmark.
const benchRuntimeVar = "COLDSTART_BENCH_RUNTIME"

func init() {
	if os.Getenv(benchRuntimeVar) == "1" {
		lambda.Start(func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil })
	}
}

// benchPlatform returns a platform on the named sandbox with one function,
// "Upper", whose runtime is this test binary.
func benchPlatform(b *testing.B, backend string, freeze bool) *Platform {
	b.Helper()
	be, err := sandbox.Detect(backend)
	if err != nil {
		b.Skipf("%s: %v", backend, err)
	}
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	p := New(WithSandbox(be), WithFreeze(freeze))
	b.Cleanup(func() { _ = p.Close() })
	err = p.PutFunction(FunctionConfig{Name: "Upper", Runtime: "provided.al2023", MemoryMB: 1024,
		Timeout: 30 * time.Second, CodeDir: b.TempDir(), Bootstrap: exe,
		Environment: map[string]string{benchRuntimeVar: "1"}})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func benchInvoke(b *testing.B, p *Platform, req Request) *Result {
	b.Helper()
	res, err := p.Invoke(context.Background(), req)
	if err != nil {
		b.Fatal(err)
	}
	if res.FunctionError != "" || string(res.Payload) != `"HI"` {
		b.Fatalf("invoke: %s %s", res.FunctionError, res.Payload)
	}
	return res
}

var benchBackends = []string{"plain", "cgroup1", "cgroup2"}

// BenchmarkWarmInvoke is a sequential client's warm invoke: each Invoke
// returns when the runtime has responded, and the next one waits for what
// the platform does before the environment is idle again (END, REPORT's
// peak memory, the freeze) and then thaws it. ns/op is one invoke's cycle,
// allocs/op what the platform allocates for it.
func BenchmarkWarmInvoke(b *testing.B) {
	for _, backend := range benchBackends {
		for _, freeze := range []bool{true, false} {
			name := backend + "/freeze"
			if !freeze {
				name = backend + "/no-freeze"
			}
			b.Run(name, func(b *testing.B) {
				p := benchPlatform(b, backend, freeze)
				req := Request{Function: "Upper", Payload: []byte(`"hi"`)}
				benchInvoke(b, p, req) // cold
				b.ReportAllocs()
				for b.Loop() {
					if benchInvoke(b, p, req).Cold {
						b.Fatal("a warm invoke was cold")
					}
				}
			})
		}
	}
}

// BenchmarkWarmInvokeTail is the same with LogType Tail: Invoke returns only
// once REPORT is written, so ns/op includes everything up to the release.
func BenchmarkWarmInvokeTail(b *testing.B) {
	for _, backend := range benchBackends {
		b.Run(backend, func(b *testing.B) {
			p := benchPlatform(b, backend, true)
			req := Request{Function: "Upper", Payload: []byte(`"hi"`), Tail: true}
			benchInvoke(b, p, req)
			b.ReportAllocs()
			for b.Loop() {
				benchInvoke(b, p, req)
			}
		})
	}
}

// BenchmarkColdInvoke is an invoke that starts a new environment: sandbox,
// Runtime API listener, exec, the runtime's init and the invoke. Retiring
// the previous environment is not timed. overhead-µs/op is the platform's
// part before the exec (Result.PlatformOverhead).
func BenchmarkColdInvoke(b *testing.B) {
	for _, backend := range benchBackends {
		b.Run(backend, func(b *testing.B) {
			p := benchPlatform(b, backend, true)
			req := Request{Function: "Upper", Payload: []byte(`"hi"`)}
			var overhead time.Duration
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				p.Retire("Upper")
				b.StartTimer()
				res := benchInvoke(b, p, req)
				if !res.Cold {
					b.Fatal("not cold")
				}
				overhead += res.PlatformOverhead
			}
			b.ReportMetric(float64(overhead.Microseconds())/float64(b.N), "overhead-µs/op")
		})
	}
}
