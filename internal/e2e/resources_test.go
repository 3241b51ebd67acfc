package e2e

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// limited are the sandboxes that enforce memory and CPU limits here; the
// plain sandbox runs the same tests minus the limit assertions. CI's machine
// has cgroup v1, so a missing cgroup1 fails there (serve refuses to start).
var sandboxes = []struct {
	name    string
	limited bool
}{{"cgroup1", true}, {"plain", false}}

func TestMaxMemoryUsed(t *testing.T) {
	for _, sb := range sandboxes {
		t.Run(sb.name, func(t *testing.T) {
			s := startServe(t, "--sandbox", sb.name)
			inv := s.invoke("Medium", `{"alloc_mb":100}`)
			if inv.out.FunctionError != nil {
				t.Fatalf("alloc failed: %s", inv.out.Payload)
			}
			if mu := inv.report.MaxMemoryUsedMB; mu < 100 || mu > 256 {
				t.Errorf("Max Memory Used %d MB after allocating 100 MB at 256 MB", mu)
			}
			// Monotone: a later small invoke reports the same peak or more.
			if later := s.invoke("Medium", `{"echo":1}`).report.MaxMemoryUsedMB; later < inv.report.MaxMemoryUsedMB {
				t.Errorf("Max Memory Used fell from %d to %d MB", inv.report.MaxMemoryUsedMB, later)
			}
		})
	}
}

func TestOutOfMemory(t *testing.T) {
	s := startServe(t, "--sandbox", "cgroup1")
	inv := s.invoke("Small", `{"alloc_mb":200}`)
	e := decodeError(t, inv.out.Payload)
	if aws.ToString(inv.out.FunctionError) != "Unhandled" || e.ErrorType != "Runtime.OutOfMemory" {
		t.Fatalf("error %q payload %s", aws.ToString(inv.out.FunctionError), inv.out.Payload)
	}
	r := inv.report
	if r.Status != reportlog.StatusError || r.ErrorType != "Runtime.OutOfMemory" || r.MaxMemoryUsedMB != 128 {
		t.Errorf("REPORT status %q type %q max memory %d:\n%s", r.Status, r.ErrorType, r.MaxMemoryUsedMB, inv.log)
	}
	next := s.invoke("Small", `{"echo":"ok"}`)
	if next.out.FunctionError != nil || !next.report.HasInit {
		t.Fatalf("after an OOM the next invoke must succeed on a new environment:\n%s", next.log)
	}
	if next.report.MaxMemoryUsedMB >= 128 {
		t.Errorf("the new environment reports %d MB", next.report.MaxMemoryUsedMB)
	}
}

type spinResult struct {
	CPUMS  float64 `json:"cpu_ms"`
	WallMS float64 `json:"wall_ms"`
}

// A CPU-bound invoke at 128 MB gets 128/1769 of a vCPU: its wall time is at
// least 0.8 × CPU time ÷ share (noise only makes wall time longer). At
// 1769 MB it is not throttled that way.
func TestCPUShare(t *testing.T) {
	const share128 = 128.0 / 1769
	for _, sb := range sandboxes {
		t.Run(sb.name, func(t *testing.T) {
			s := startServe(t, "--sandbox", sb.name)
			spin := func(fn string) (spinResult, invocation) {
				inv := s.invoke(fn, `{"spin_ms":200}`)
				var r spinResult
				if err := json.Unmarshal(inv.out.Payload, &r); err != nil || r.CPUMS < 200 {
					t.Fatalf("%s: %s (%v)", fn, inv.out.Payload, err)
				}
				return r, inv
			}
			small, inv := spin("Small")
			full, _ := spin("Full")
			if !sb.limited {
				return
			}
			if floor := 0.8 * small.CPUMS / share128; small.WallMS < floor {
				t.Errorf("128 MB: %.0f ms CPU took %.0f ms wall, want ≥ %.0f ms", small.CPUMS, small.WallMS, floor)
			}
			if ceiling := 0.8 * full.CPUMS / share128; full.WallMS >= ceiling {
				t.Errorf("1769 MB: %.0f ms CPU took %.0f ms wall: throttled like 128 MB", full.CPUMS, full.WallMS)
			}
			if got := extra(inv.report, reportlog.FieldCPUShare); got != "0.0724 vCPU" {
				t.Errorf("REPORT CPU Share %q, want 0.0724 vCPU:\n%s", got, inv.log)
			}
		})
	}
}

func extra(r reportlog.Report, key string) string {
	for _, f := range r.Extra {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// Between invokes the environment is frozen: a background ticker (1 ms) does
// not tick while idle for 500 ms; with --no-freeze it does.
func TestFreezeBetweenInvokes(t *testing.T) {
	idleTicks := func(t *testing.T, flags ...string) int {
		s := startServe(t, flags...)
		s.invoke("Full", `{"ticks":true}`)
		time.Sleep(500 * time.Millisecond)
		var r struct {
			IdleTicks int `json:"idle_ticks"`
		}
		inv := s.invoke("Full", `{"ticks":true}`)
		if err := json.Unmarshal(inv.out.Payload, &r); err != nil {
			t.Fatalf("%s: %v", inv.out.Payload, err)
		}
		return r.IdleTicks
	}
	for _, sb := range sandboxes {
		t.Run(sb.name, func(t *testing.T) {
			if n := idleTicks(t, "--sandbox", sb.name); n >= 250 {
				t.Errorf("frozen: the ticker fired %d times in 500 ms idle", n)
			}
			if n := idleTicks(t, "--sandbox", sb.name, "--no-freeze"); n < 250 {
				t.Errorf("--no-freeze: the ticker fired only %d times in 500 ms idle", n)
			}
		})
	}
}

// After serve exits — and after an OOM and a runtime killed mid-invoke —
// no process and no cgroup of ours remains.
func TestNothingLeftBehind(t *testing.T) {
	s := startServe(t, "--sandbox", "cgroup1")
	s.invoke("Small", `{"alloc_mb":200}`) // OOM
	s.invoke("Full", `{"echo":1}`)        // an idle, frozen environment
	busy := make(chan invocation, 1)
	go func() {
		inv, _ := s.tryInvoke("Medium", `{"sleep_ms":5000}`)
		busy <- inv
	}()
	var victim int
	for deadline := time.Now().Add(10 * time.Second); victim == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		victim = runtimeOf(s, "Medium")
	}
	if victim == 0 {
		t.Fatal("no runtime process for Medium")
	}
	time.Sleep(100 * time.Millisecond) // let it enter the handler
	if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := <-busy
	if e := decodeError(t, killed.out.Payload); e.ErrorType != "Runtime.ExitError" || !strings.Contains(e.ErrorMessage, "signal: killed") {
		t.Errorf("runtime killed mid-invoke: %s", killed.out.Payload)
	}
	s.stopLeavingNothing(s.runtimePIDs())
}

// runtimeOf finds the runtime process of a function among serve's children.
func runtimeOf(s *server, fn string) int {
	for _, p := range s.runtimePIDs() {
		env, err := os.ReadFile("/proc/" + strconv.Itoa(p) + "/environ")
		if err == nil && strings.Contains(string(env), "\x00AWS_LAMBDA_FUNCTION_NAME="+fn+"\x00") {
			return p
		}
	}
	return 0
}

// cgroupsOf lists serve's cgroup directories, coldstart/<pid>-<n>, in every hierarchy.
func cgroupsOf(pid int) []string {
	var out []string
	want := "coldstart/" + strconv.Itoa(pid) + "-"
	filepath.WalkDir("/sys/fs/cgroup", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if strings.Contains(path, want) {
			out = append(out, path)
			return fs.SkipDir
		}
		return nil
	})
	return out
}

// stopLeavingNothing stops a serve running cgroup sandboxes and checks that
// none of the runtimes pids and none of its cgroups outlive it.
func (s *server) stopLeavingNothing(pids []int) {
	s.t.Helper()
	pid := s.cmd.Process.Pid
	if len(cgroupsOf(pid)) == 0 {
		s.t.Fatal("no cgroup found for serve while running: the test cannot see them")
	}
	s.stop()
	for _, p := range pids {
		if alive(p) {
			s.t.Errorf("runtime %d survived serve", p)
		}
	}
	if left := cgroupsOf(pid); len(left) > 0 {
		s.t.Errorf("%d cgroups left behind, e.g. %s", len(left), left[0])
	}
}
