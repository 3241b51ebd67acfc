package sandbox

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// newV2 returns a fresh cgroup v2 backend. CI runs on hosts like the one this
// was written on (hybrid, v2 without controllers), so there it must exist.
func newV2(t *testing.T) *cgroup2Backend {
	t.Helper()
	be, err := newCgroup2()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cgroup v2 with cgroup.freeze must be available under CI: %v", err)
		}
		t.Skipf("cgroup v2 not available here: %v", err)
	}
	t.Cleanup(func() { be.Close() })
	return be.(*cgroup2Backend)
}

// cgroupOf is the 0:: line of a /proc/<pid>/cgroup file's contents.
func cgroupOf(t *testing.T, contents string) string {
	t.Helper()
	for line := range strings.Lines(contents) {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "0::"); ok {
			return p
		}
	}
	t.Fatalf("no 0:: line in %q", contents)
	return ""
}

// statField is field i (0 = state, 2 = pgrp, 3 = session) of /proc/<pid>/stat
// after the command name.
func statField(t *testing.T, pid, i int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	v, _ := strconv.Atoi(strings.Fields(s[strings.LastIndexByte(s, ')')+1:])[i])
	return v
}

func TestCgroup2ChildIsBornInItsCgroup(t *testing.T) {
	be := newV2(t)
	b := newBox(t, be, Spec{})
	name := strings.ReplaceAll(t.Name(), "/", "_")
	want := "/" + filepath.Join(be.instance, name)

	// What the child reads about itself as its first act: with the fallback
	// it could still be outside.
	var out bytes.Buffer
	cmd := exec.Command("cat", "/proc/self/cgroup")
	cmd.Stdout = &out
	exit, err := b.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if e := wait(t, exit); e.Code != 0 {
		t.Fatalf("cat: %v", e)
	}
	if got := cgroupOf(t, out.String()); !strings.HasSuffix(got, want) {
		if be.into {
			t.Errorf("child's first look at its cgroup: %s, want …%s", got, want)
		} else {
			t.Logf("no CLONE_INTO_CGROUP here; child started in %s", got)
		}
	}

	cmd = exec.Command("sleep", "60")
	exit, err = b.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	if got := cgroupOf(t, string(data)); !strings.HasSuffix(got, want) {
		t.Errorf("sleep runs in %s, want …%s", got, want)
	}
	if err := b.Kill(); err != nil {
		t.Fatal(err)
	}
	wait(t, exit)
}

// The fallback for kernels that refuse CLONE_INTO_CGROUP: start, then move.
func TestCgroup2StartWithoutCloneInto(t *testing.T) {
	be := newV2(t)
	be.into = false
	b := newBox(t, be, Spec{})
	cmd := exec.Command("sleep", "60")
	exit, err := b.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cgroupOf(t, string(data)), strings.ReplaceAll(t.Name(), "/", "_"); !strings.HasSuffix(got, "/"+want) {
		t.Errorf("sleep runs in %s, want …/%s", got, want)
	}
	if err := b.Kill(); err != nil {
		t.Fatal(err)
	}
	if e := wait(t, exit); e.Signal != syscall.SIGKILL {
		t.Errorf("exit %v, want killed", e)
	}
}

// What plain cannot do: a process that left the runtime's process group and
// session is still in the cgroup, and Kill reaches it.
func TestCgroup2KillReachesProcessesThatLeftTheGroup(t *testing.T) {
	be := newV2(t)
	b := newBox(t, be, Spec{})
	pidFile := t.TempDir() + "/escaped"
	cmd := exec.Command("/bin/sh", "-c", "setsid sh -c 'echo $$ > "+pidFile+"; exec sleep 60' & wait")
	exit, err := b.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	escaped := waitForPID(t, pidFile)
	for deadline := time.Now().Add(5 * time.Second); statField(t, escaped, 3) == cmd.Process.Pid; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the child never left the runtime's session")
		}
	}
	if pgrp := statField(t, escaped, 2); pgrp == cmd.Process.Pid {
		t.Fatalf("child %d still in the runtime's process group %d", escaped, pgrp)
	}
	if err := b.Kill(); err != nil {
		t.Fatal(err)
	}
	if e := wait(t, exit); e.Signal != syscall.SIGKILL {
		t.Errorf("exit %v, want killed", e)
	}
	waitGone(t, escaped)
}

// v2 tasks die of SIGKILL while frozen (v1 ones must be thawed first), and a
// sandbox killed while frozen runs its next process.
func TestCgroup2FrozenSandboxIsKillable(t *testing.T) {
	be := newV2(t)
	tests := []struct {
		name string
		kill func(b *cgroup2Box, pid int) error
	}{
		{"Kill", func(b *cgroup2Box, _ int) error { return b.Kill() }},
		// The kernel facts Kill relies on, with the sandbox left frozen.
		{"cgroup.kill", func(b *cgroup2Box, _ int) error { return b.cg.Kill() }},
		{"SIGKILL", func(_ *cgroup2Box, pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBox(t, be, Spec{}).(*cgroup2Box)
			pidFile := t.TempDir() + "/pid"
			exit := start(t, b, "echo $$ > "+pidFile+"; while :; do :; done")
			pid := waitForPID(t, pidFile)
			waitCPU(t, pid)
			if err := b.Freeze(); err != nil {
				t.Fatal(err)
			}
			// Freeze only asks the kernel; what follows needs the tasks stopped.
			if err := b.awaitFrozen(freezeTimeout); err != nil {
				t.Fatal(err)
			}
			if ev, _ := os.ReadFile(filepath.Join(b.dir, "cgroup.events")); !bytes.Contains(ev, []byte("frozen 1")) {
				t.Fatalf("awaitFrozen returned before the cgroup froze: %q", ev)
			}
			if err := tt.kill(b, pid); err != nil {
				t.Fatal(err)
			}
			// Only the sandbox's own reaper thaws it, after the death: the
			// process died frozen.
			if e := wait(t, exit); e.Signal != syscall.SIGKILL {
				t.Errorf("exit %v, want killed", e)
			}
			if tt.name != "Kill" {
				return
			}
			if got := wait(t, start(t, b, "exit 0")).String(); got != "exit status 0" {
				t.Errorf("next process after Kill while frozen: %s", got)
			}
		})
	}
}

// A child born into a frozen cgroup stops before exec; Start must not hang.
func TestCgroup2StartInFrozenSandbox(t *testing.T) {
	be := newV2(t)
	b := newBox(t, be, Spec{})
	if err := b.Freeze(); err != nil {
		t.Fatal(err)
	}
	started := make(chan (<-chan Exit), 1)
	go func() {
		exit, err := b.Start(exec.Command("true"))
		if err != nil {
			t.Error(err)
			close(started)
			return
		}
		started <- exit
	}()
	select {
	case exit, ok := <-started:
		if ok {
			if got := wait(t, exit).String(); got != "exit status 0" {
				t.Errorf("exit %s", got)
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Start hangs in a frozen sandbox")
	}
}

// Capabilities match what the host delegates: here (hybrid, the unified
// hierarchy has no controllers) no memory or CPU limit, and Notes says why.
func TestCgroup2CapabilitiesFollowDelegation(t *testing.T) {
	be := newV2(t)
	caps := be.Capabilities()
	t.Logf("capabilities: %+v", caps)
	offered, _ := os.ReadFile(filepath.Join(be.mount, be.self, "cgroup.controllers"))
	b := newBox(t, be, Spec{MemoryMB: 128, CPU: 0.5}).(*cgroup2Box)

	tests := []struct {
		controller string
		enforced   bool
		file, want string
	}{
		{"memory", caps.MemoryLimit, "memory.max", strconv.Itoa(128 << 20)},
		{"cpu", caps.CPULimit, "cpu.max", "10000 20000"},
		{"pids", be.have["pids"], "pids.max", strconv.Itoa(lambdaMaxTasks)},
	}
	for _, tt := range tests {
		t.Run(tt.controller, func(t *testing.T) {
			if !slices.Contains(strings.Fields(string(offered)), tt.controller) && tt.enforced {
				t.Errorf("%s reported enforced, but our cgroup is not offered it", tt.controller)
			}
			got, err := os.ReadFile(filepath.Join(b.dir, tt.file))
			switch {
			case tt.enforced && strings.TrimSpace(string(got)) != tt.want:
				t.Errorf("%s = %q (%v), want %q", tt.file, got, err, tt.want)
			case !tt.enforced && err == nil:
				t.Errorf("%s exists but %s is reported missing", tt.file, tt.controller)
			case !tt.enforced && !strings.Contains(caps.Notes, tt.controller):
				t.Errorf("notes %q do not name the missing %s controller", caps.Notes, tt.controller)
			}
		})
	}
	if !caps.MemoryLimit && !strings.Contains(caps.Notes, "not delegated") && !strings.Contains(caps.Notes, "could not be enabled") {
		t.Errorf("notes %q do not say why there is no memory limit", caps.Notes)
	}
	if want := "procfs VmHWM"; !caps.MemoryLimit && caps.PeakMemory != want {
		t.Errorf("peak memory from %q without the memory controller, want %q", caps.PeakMemory, want)
	}
	if caps.Freeze != "cgroup v2 freeze" {
		t.Errorf("freeze %q", caps.Freeze)
	}
}

// No cgroup of ours survives Close: not the sandbox's, not coldstart/<pid>.
func TestCgroup2CloseLeavesNoCgroups(t *testing.T) {
	be := newV2(t)
	b, err := be.New(Spec{Name: "leaves-nothing"})
	if err != nil {
		t.Fatal(err)
	}
	pidFile := t.TempDir() + "/child"
	start(t, b, "setsid sleep 60 & echo $! > "+pidFile+"; sleep 60")
	child := waitForPID(t, pidFile)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	waitGone(t, child)
	if err := be.Close(); err != nil {
		t.Fatal(err)
	}
	ours := strconv.Itoa(os.Getpid())
	err = filepath.WalkDir(be.mount, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a cgroup removed while we walk
		}
		if d.IsDir() && d.Name() == ours && filepath.Base(filepath.Dir(path)) == "coldstart" {
			t.Errorf("left behind: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLostLimits(t *testing.T) {
	tests := []struct {
		name    string
		missing []string
		want    string
	}{
		{"all", []string{"memory", "cpu", "pids"}, "no memory or CPU limits, no task limit"},
		{"memory", []string{"memory"}, "no memory limit"},
		{"cpu and pids", []string{"cpu", "pids"}, "no CPU limit, no task limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lostLimits(tt.missing); got != tt.want {
				t.Errorf("lostLimits(%v) = %q, want %q", tt.missing, got, tt.want)
			}
		})
	}
}
