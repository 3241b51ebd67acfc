package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A coldstart killed with SIGKILL leaves its runtimes frozen (a frozen task
// cannot act on its Pdeathsig) and its cgroups behind; the next instance of
// the backend thaws, kills and removes them. The dead predecessor is
// simulated by a backend started in a child process of this test.
func TestStaleTreesOfADeadPredecessor(t *testing.T) {
	// A base of our own: other coldstart processes (tests running in
	// parallel) would otherwise clean up our dead predecessor first.
	defer func(old string) { cgroupBase = old }(cgroupBase)
	cgroupBase = "coldstart-stale-test-" + strconv.Itoa(os.Getpid())
	for _, name := range []string{"cgroup1", "cgroup2"} {
		t.Run(name, func(t *testing.T) {
			probe, err := Detect(name)
			if err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s must be available under CI: %v", name, err)
				}
				t.Skip(err)
			}
			probe.Close()
			pidFile := filepath.Join(t.TempDir(), "runtime")
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPredecessor$")
			cmd.Env = append(os.Environ(), "SANDBOX_PREDECESSOR="+name, "SANDBOX_PREDECESSOR_PIDFILE="+pidFile,
				"SANDBOX_PREDECESSOR_BASE="+cgroupBase)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			runtime := waitForPID(t, pidFile)
			time.Sleep(100 * time.Millisecond) // frozen by now
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			time.Sleep(100 * time.Millisecond)
			// v1 frozen tasks ignore even SIGKILL until thawed; v2 lets it through.
			if name == "cgroup1" && state(runtime) == 0 {
				t.Fatal("the frozen runtime died with its parent: the test needs a frozen survivor")
			}
			if len(treesOf(cmd.Process.Pid)) == 0 {
				t.Fatal("the predecessor left no cgroups: nothing to clean")
			}
			be, err := Detect(name)
			if err != nil {
				t.Fatal(err)
			}
			defer be.Close()
			if !strings.Contains(be.Capabilities().Notes, "left by coldstart processes that died") {
				t.Errorf("notes %q do not mention the cleanup", be.Capabilities().Notes)
			}
			waitGone(t, runtime)
			if left := treesOf(cmd.Process.Pid); len(left) > 0 {
				t.Errorf("stale cgroups remain: %v", left)
			}
		})
	}
}

// TestHelperPredecessor is the predecessor: it starts a runtime in a sandbox,
// freezes it, and waits to be killed.
func TestHelperPredecessor(t *testing.T) {
	name := os.Getenv("SANDBOX_PREDECESSOR")
	if name == "" {
		t.Skip("helper process only")
	}
	cgroupBase = os.Getenv("SANDBOX_PREDECESSOR_BASE")
	be, err := Detect(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := be.New(Spec{Name: "victim", MemoryMB: 256, CPU: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Start(exec.Command("/bin/sh", "-c", "echo $$ > "+os.Getenv("SANDBOX_PREDECESSOR_PIDFILE")+"; exec sleep 600")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if err := b.Freeze(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Hour)
}

// treesOf lists cgroup directories <cgroupBase>/<pid>-* anywhere under /sys/fs/cgroup.
func treesOf(pid int) []string {
	var out []string
	matches, _ := filepath.Glob("/sys/fs/cgroup/*/" + cgroupBase + "/" + strconv.Itoa(pid) + "-*")
	out = append(out, matches...)
	matches, _ = filepath.Glob("/sys/fs/cgroup/*/*/*/" + cgroupBase + "/" + strconv.Itoa(pid) + "-*")
	return append(out, matches...)
}
