package sandbox

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func start(t *testing.T, b Sandbox, script string) <-chan Exit {
	t.Helper()
	exit, err := b.Start(exec.Command("/bin/sh", "-c", script))
	if err != nil {
		t.Fatal(err)
	}
	return exit
}

func wait(t *testing.T, exit <-chan Exit) Exit {
	t.Helper()
	select {
	case e := <-exit:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("process did not exit")
	}
	return Exit{}
}

// backends lists every backend this host can run; each runs the whole suite.
// Under CI=true a missing backend fails the test: CI has both.
func backends(t *testing.T) map[string]Backend {
	t.Helper()
	out := map[string]Backend{"plain": NewPlain()}
	for _, name := range []string{"cgroup1", "cgroup2"} {
		b, err := Detect(name)
		switch {
		case err == nil:
			t.Cleanup(func() { b.Close() })
			out[name] = b
		case os.Getenv("CI") == "true":
			t.Fatalf("%s must be available under CI (CI runs on this kind of machine): %v", name, err)
		default:
			t.Logf("%s not available here: %v", name, err)
		}
	}
	return out
}

// forEach runs test once per available backend.
func forEach(t *testing.T, test func(t *testing.T, be Backend)) {
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) { test(t, be) })
	}
}

func newBox(t *testing.T, be Backend, spec Spec) Sandbox {
	t.Helper()
	if spec.Name == "" {
		spec.Name = strings.ReplaceAll(t.Name(), "/", "_")
	}
	b, err := be.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return b
}

func TestExitStatus(t *testing.T) { forEach(t, testExitStatus) }

func testExitStatus(t *testing.T, be Backend) {
	tests := []struct {
		name, script string
		want         string
	}{
		{"exit code", "exit 3", "exit status 3"},
		{"success", "true", "exit status 0"},
		{"signal", "kill -9 $$", "signal: killed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBox(t, be, Spec{})
			if got := wait(t, start(t, b, tt.script)).String(); got != tt.want {
				t.Errorf("exit %q, want %q", got, tt.want)
			}
		})
	}
}

// A sandbox runs one process tree after another; Kill and Close reach the
// whole tree, children included.
func TestKillReachesTheTree(t *testing.T) { forEach(t, testKillReachesTheTree) }

func testKillReachesTheTree(t *testing.T, be Backend) {
	b, err := be.New(Spec{Name: strings.ReplaceAll(t.Name(), "/", "_")})
	if err != nil {
		t.Fatal(err)
	}
	pidFile := t.TempDir() + "/child"
	exit := start(t, b, "sleep 60 & echo $! > "+pidFile+"; wait")
	child := waitForPID(t, pidFile)
	if err := b.Kill(); err != nil {
		t.Fatal(err)
	}
	if e := wait(t, exit); e.Signal != syscall.SIGKILL {
		t.Errorf("exit %v, want killed", e)
	}
	waitGone(t, child)

	// The same sandbox starts the next process.
	if got := wait(t, start(t, b, "exit 0")).String(); got != "exit status 0" {
		t.Errorf("second process: %s", got)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Start(exec.Command("true")); err == nil {
		t.Error("Start after Close must fail")
	}
}

// Children left behind when the runtime exits belong to the dead runtime.
func TestExitKillsLeftovers(t *testing.T) { forEach(t, testExitKillsLeftovers) }

func testExitKillsLeftovers(t *testing.T, be Backend) {
	b := newBox(t, be, Spec{})
	pidFile := t.TempDir() + "/child"
	wait(t, start(t, b, "sleep 60 & echo $! > "+pidFile))
	waitGone(t, waitForPID(t, pidFile))
}

func TestFreezeStopsTheTree(t *testing.T) { forEach(t, testFreezeStopsTheTree) }

func testFreezeStopsTheTree(t *testing.T, be Backend) {
	b := newBox(t, be, Spec{MemoryMB: 1769, CPU: 1})
	pidFile := t.TempDir() + "/pid"
	start(t, b, "echo $$ > "+pidFile+"; while :; do :; done")
	pid := waitForPID(t, pidFile)
	waitCPU(t, pid) // it runs
	if err := b.Freeze(); err != nil {
		t.Fatal(err)
	}
	// Freezing completes asynchronously: wait until the CPU time stops moving…
	for deadline, last := time.Now().Add(5*time.Second), int64(-1); ; time.Sleep(50 * time.Millisecond) {
		now := cpuTicks(t, pid)
		if now == last {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("process still running 5 s after Freeze")
		}
		last = now
	}
	// …then frozen means not one clock tick of CPU while we look away.
	before := cpuTicks(t, pid)
	time.Sleep(300 * time.Millisecond)
	if after := cpuTicks(t, pid); after != before {
		t.Fatalf("frozen process used CPU: %d → %d ticks", before, after)
	}
	if err := b.Thaw(); err != nil {
		t.Fatal(err)
	}
	waitCPU(t, pid) // and runs again
}

// cpuTicks is the process's user+system CPU time in clock ticks.
func cpuTicks(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return utime + stime
}

// waitCPU waits until the process's CPU time advances.
func waitCPU(t *testing.T, pid int) {
	t.Helper()
	start := cpuTicks(t, pid)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cpuTicks(t, pid) > start {
			return
		}
	}
	t.Fatalf("process %d used no CPU in 10 s", pid)
}

func TestPeakMemoryIsMonotone(t *testing.T) { forEach(t, testPeakMemoryIsMonotone) }

func testPeakMemoryIsMonotone(t *testing.T, be Backend) {
	b := newBox(t, be, Spec{MemoryMB: 512, CPU: 1})
	// A shell holding ~32 MB in a variable, then exiting.
	exit := start(t, b, `x=$(head -c 33554432 /dev/zero | tr '\0' a); sleep 0.2; echo ${#x} >/dev/null`)
	time.Sleep(100 * time.Millisecond)
	during := b.PeakMemory()
	wait(t, exit)
	after := b.PeakMemory()
	if after < during || after < 32<<20 {
		t.Errorf("peak during %d MB, after %d MB: want monotone and ≥ 32 MB", during>>20, after>>20)
	}
	wait(t, start(t, b, "true"))
	if b.PeakMemory() < after {
		t.Error("peak decreased after a small process ran")
	}
}

func waitForPID(t *testing.T, file string) int {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if b, err := os.ReadFile(file); err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err == nil {
				return pid
			}
		}
	}
	t.Fatalf("no pid in %s", file)
	return 0
}

// state returns the process state letter, or 0 when it is gone or a zombie.
func state(pid int) byte {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) == 0 || f[0] == "Z" || f[0] == "X" {
		return 0
	}
	return f[0][0]
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if state(pid) == 0 {
			return
		}
	}
	t.Fatalf("process %d still alive", pid)
}

func TestVmHWM(t *testing.T) {
	if got := vmHWM(os.Getpid()); got < 1<<20 {
		t.Errorf("our own VmHWM %d bytes: want at least 1 MB", got)
	}
	if got := vmHWM(1 << 30); got != 0 {
		t.Errorf("VmHWM of no process = %d, want 0", got)
	}
}
