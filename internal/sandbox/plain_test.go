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

func TestPlainExitStatus(t *testing.T) {
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
			b, _ := NewPlain().New(Spec{Name: "t"})
			defer b.Close()
			if got := wait(t, start(t, b, tt.script)).String(); got != tt.want {
				t.Errorf("exit %q, want %q", got, tt.want)
			}
		})
	}
}

// A sandbox runs one process tree after another; Kill and Close reach the
// whole tree, children included.
func TestPlainKillReachesTheTree(t *testing.T) {
	b, _ := NewPlain().New(Spec{Name: "t"})
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
func TestPlainExitKillsLeftovers(t *testing.T) {
	b, _ := NewPlain().New(Spec{Name: "t"})
	defer b.Close()
	pidFile := t.TempDir() + "/child"
	wait(t, start(t, b, "sleep 60 & echo $! > "+pidFile))
	waitGone(t, waitForPID(t, pidFile))
}

func TestPlainFreezeStopsTheTree(t *testing.T) {
	b, _ := NewPlain().New(Spec{Name: "t"})
	defer b.Close()
	pidFile := t.TempDir() + "/pid"
	start(t, b, "echo $$ > "+pidFile+"; while :; do :; done")
	pid := waitForPID(t, pidFile)
	if err := b.Freeze(); err != nil {
		t.Fatal(err)
	}
	waitState(t, pid, 'T')
	if err := b.Thaw(); err != nil {
		t.Fatal(err)
	}
	waitState(t, pid, 'R')
}

func TestPlainPeakMemoryIsMonotone(t *testing.T) {
	b, _ := NewPlain().New(Spec{Name: "t"})
	defer b.Close()
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

func waitState(t *testing.T, pid int, want byte) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got := state(pid); got == want || (want == 'R' && got == 'S') {
			return
		}
	}
	t.Fatalf("process %d state %c, want %c", pid, state(pid), want)
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
