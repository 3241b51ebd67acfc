package sandbox

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestPooledHandsOutSparesAndCleansUp(t *testing.T) {
	be, err := Detect("cgroup1")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cgroup v1 is required under CI: %v", err)
		}
		t.Skip(err)
	}
	dir, err := be.(*cgroup1Backend).dir(be.(*cgroup1Backend).sandboxPath(""), "memory")
	if err != nil {
		t.Fatal(err)
	}
	p := Pooled(be)
	spec := Spec{Name: "fn-1", MemoryMB: 256, CPU: 0.14}
	first, err := p.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	// The spare appears in the background; the next New takes it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if p.(*pooled).spares.Ready() == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no spare sandbox was made")
		}
		time.Sleep(time.Millisecond)
	}
	second, err := p.New(Spec{Name: "fn-2", MemoryMB: 256, CPU: 0.14})
	if err != nil {
		t.Fatal(err)
	}
	// A spare has the limits it was made for and runs a process.
	if lim, err := os.ReadFile(filepath.Join(second.(*cgroup1Box).memDir, "memory.limit_in_bytes")); err != nil || string(lim) != "268435456\n" {
		t.Fatalf("spare memory limit %q %v", lim, err)
	}
	exit, err := second.Start(exec.Command("/bin/true"))
	if err != nil {
		t.Fatal(err)
	}
	if ex := <-exit; ex.Code != 0 {
		t.Fatalf("exit %+v", ex)
	}
	for _, box := range []Sandbox{first, second} {
		if err := box.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("cgroups left after Close: %v", entries)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the backend's directory survived Close: %v", err)
	}
}

func TestPooledLeavesPlainAlone(t *testing.T) {
	be := NewPlain()
	if Pooled(be) != be {
		t.Fatal("the plain backend was wrapped")
	}
}
