package sandbox

import (
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The kept-open readers must say what a fresh read says: a pread at offset
// 0 of a cgroup or procfs file is produced anew.
func TestHWMReaderMatchesFreshReads(t *testing.T) {
	forEach(t, func(t *testing.T, be Backend) {
		switch b := newBox(t, be, Spec{MemoryMB: 256}).(type) {
		case *cgroup1Box:
			testHWMReader(t, b, b.memDir)
		case *cgroup2Box:
			testHWMReader(t, b, b.dir)
		default:
			t.Skip("no cgroup")
		}
	})
}

func testHWMReader(t *testing.T, b Sandbox, dir string) {
	pidFile := t.TempDir() + "/pid"
	// A parent whose child grows after the first reading.
	exit := start(t, b, "sleep 600 & echo $! > "+pidFile+"; exec sleep 700")
	child := waitForPID(t, pidFile)
	for deadline := time.Now().Add(5 * time.Second); len(cgroupProcs(dir)) != 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("child not listed")
		}
	}
	h := newHWMReader(dir)
	defer h.close()
	fresh := func() uint64 {
		var total uint64
		for _, pid := range cgroupProcs(dir) {
			total += vmHWM(pid)
		}
		return total
	}
	// Peaks only grow (a process may still be starting): the kept-open
	// reading lies between fresh readings before and after it.
	before := fresh()
	got := h.sum()
	if after := fresh(); got < before || got > after || got == 0 {
		t.Fatalf("sum %d, fresh reads %d before and %d after", got, before, after)
	}
	if len(h.status) != 2 {
		t.Fatalf("%d status files open, want 2", len(h.status))
	}
	// The child exits: its status file is dropped, the sum follows.
	if err := syscall.Kill(child, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); len(cgroupProcs(dir)) != 1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("child still listed")
		}
	}
	before = fresh()
	got = h.sum()
	if after := fresh(); got < before || got > after {
		t.Errorf("after the child's exit: sum %d, fresh reads %d before and %d after", got, before, after)
	}
	if len(h.status) != 1 {
		t.Errorf("%d status files open after the child's exit, want 1", len(h.status))
	}
	_ = b.Kill()
	wait(t, exit)
	if got := h.sum(); got != 0 {
		t.Errorf("sum %d of an empty cgroup", got)
	}
	if len(h.status) != 0 {
		t.Errorf("%d status files open for an empty cgroup", len(h.status))
	}
}

// A control file kept open reads the current value each time, not the one
// of its first read.
func TestCtlFileRereads(t *testing.T) {
	cmd := exec.Command("sleep", "600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	f := newCtlFile("/proc/"+strconv.Itoa(cmd.Process.Pid)+"/status", syscall.O_RDONLY)
	defer f.close()
	read := func() string {
		buf, b, err := f.read()
		if err != nil {
			t.Fatal(err)
		}
		defer putBuf(buf)
		return string(b)
	}
	await := func(state string) {
		for deadline := time.Now().Add(5 * time.Second); !containsLine(read(), state); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the kept-open status never showed %q", state)
			}
		}
	}
	await("State:\tS (sleeping)")
	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	await("State:\tT (stopped)")
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if _, _, err := f.read(); err == nil {
		t.Error("read the status of a reaped process without an error")
	}
}

func containsLine(text, line string) bool {
	return slices.Contains(strings.Split(text, "\n"), line)
}

// A ctlFile that was never set up (cgroup2 without memory.peak has no peak
// file) must not close fd 0 when its sandbox closes: that fd is then some
// other sandbox's file, and closing it broke later runtimes at random.
func TestZeroCtlFileClosesNothing(t *testing.T) {
	var f ctlFile
	f.close()
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, 0, syscall.F_GETFD, 0); errno != 0 {
		t.Fatalf("fd 0 closed by a zero ctlFile: %v", errno)
	}
	if _, _, err := f.read(); err == nil {
		t.Error("a zero ctlFile read something")
	}
}
