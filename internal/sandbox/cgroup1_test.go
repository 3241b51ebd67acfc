package sandbox

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func newV1(t *testing.T) Backend {
	t.Helper()
	be, err := Detect("cgroup1")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cgroup1 must be available under CI: %v", err)
		}
		t.Skipf("cgroup1: %v", err)
	}
	t.Cleanup(func() { be.Close() })
	return be
}

// The runtime's first act already happens inside its cgroups.
func TestCgroup1ChildIsBornInItsCgroups(t *testing.T) {
	be := newV1(t)
	b := newBox(t, be, Spec{MemoryMB: 256, CPU: 0.5})
	var out bytes.Buffer
	cmd := exec.Command("cat", "/proc/self/cgroup")
	cmd.Stdout = &out
	exit, err := b.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	wait(t, exit)
	want := "/" + filepath.Join(be.(*cgroup1Backend).suffix, strings.ReplaceAll(t.Name(), "/", "_"))
	for _, ctrl := range []string{"memory", "cpu", "freezer"} {
		found := false
		for _, line := range strings.Split(out.String(), "\n") {
			f := strings.SplitN(line, ":", 3)
			if len(f) == 3 && strings.Contains(","+f[1]+",", ","+ctrl+",") && strings.HasSuffix(f[2], want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: child was not in %s at its first instruction:\n%s", ctrl, want, out.String())
		}
	}
}

// No thread of ours ever enters an environment's cgroup: a Go runtime thread
// frozen with an environment would stop the whole process at the next GC.
func TestCgroup1OurThreadsStayOut(t *testing.T) {
	be := newV1(t)
	for i := range 20 {
		b, err := be.New(Spec{Name: "threads-" + strings.Repeat("x", i%3) + string(rune('a'+i)), MemoryMB: 128, CPU: 0.07})
		if err != nil {
			t.Fatal(err)
		}
		exit, err := b.Start(exec.Command("true"))
		if err != nil {
			t.Fatal(err)
		}
		wait(t, exit)
		b.Freeze()
		defer b.Close()
	}
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, task := range tasks {
		cg, err := os.ReadFile("/proc/self/task/" + task.Name() + "/cgroup")
		if err == nil && strings.Contains(string(cg), "/coldstart/") {
			t.Errorf("thread %s is in an environment's cgroup:\n%s", task.Name(), cg)
		}
	}
}
