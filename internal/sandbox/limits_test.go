package sandbox

import (
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A process that allocates past the memory limit is OOM-killed, and the
// sandbox says so; its peak is at the limit.
func TestMemoryLimit(t *testing.T) {
	forEach(t, func(t *testing.T, be Backend) {
		if !be.Capabilities().MemoryLimit {
			t.Skipf("%s enforces no memory limit", be.Name())
		}
		b := newBox(t, be, Spec{MemoryMB: 128, CPU: 1})
		exit := wait(t, start(t, b, `x=$(head -c 314572800 /dev/zero | tr '\0' a); echo ${#x}`))
		if !exit.OOM || exit.Signal != syscall.SIGKILL {
			t.Fatalf("exit %+v, want an OOM kill", exit)
		}
		if peak := b.PeakMemory(); peak < 120<<20 || peak > 128<<20 {
			t.Errorf("peak %d MB, want close to the 128 MB limit", peak>>20)
		}
		// A process within the limit is fine, and is no OOM.
		if e := wait(t, start(t, b, `x=$(head -c 10485760 /dev/zero | tr '\0' a); echo ${#x}`)); e.OOM || e.Code != 0 {
			t.Errorf("small allocation: %+v", e)
		}
	})
}

// CPU time is capped at the share: throttling only ever lowers CPU time
// relative to wall time, so the upper bound holds however noisy the host.
func TestCPULimit(t *testing.T) {
	forEach(t, func(t *testing.T, be Backend) {
		if !be.Capabilities().CPULimit {
			t.Skipf("%s enforces no CPU limit", be.Name())
		}
		const share = 0.1
		b := newBox(t, be, Spec{MemoryMB: 256, CPU: share})
		pidFile := t.TempDir() + "/pid"
		start(t, b, "echo $$ > "+pidFile+"; while :; do :; done")
		pid := waitForPID(t, pidFile)
		t0, c0 := time.Now(), cpuTicks(t, pid)
		time.Sleep(time.Second)
		wall, cpu := time.Since(t0), cpuTicks(t, pid)-c0
		ticks := float64(clockTicks(t))
		used := time.Duration(float64(cpu) / ticks * float64(time.Second))
		// Allow one CFS period of burst and two clock ticks of rounding.
		limit := time.Duration(share*float64(wall)) + 50*time.Millisecond + time.Duration(2/ticks*float64(time.Second))
		if used > limit {
			t.Errorf("used %v of CPU in %v at a %.1f share (limit %v)", used, wall, share, limit)
		}
		if used == 0 {
			t.Error("used no CPU at all")
		}
	})
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times.
func clockTicks(t *testing.T) int {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		return 100
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return 100
	}
	return n
}
