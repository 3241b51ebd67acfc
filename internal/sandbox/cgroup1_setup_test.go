package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The backend keeps one empty freezer cgroup frozen for its life (the
// kernel's freezer key stays on) and removes it with its subtree.
func TestCgroup1KeeperLivesWithTheBackend(t *testing.T) {
	be := newV1(t).(*cgroup1Backend)
	if be.keeper == "" {
		t.Fatal("no keeper cgroup")
	}
	state, err := os.ReadFile(filepath.Join(be.keeper, "freezer.state"))
	if err != nil || strings.TrimSpace(string(state)) != "FROZEN" {
		t.Fatalf("keeper freezer.state %q, %v", state, err)
	}
	if procs := cgroupProcs(be.keeper); len(procs) != 0 {
		t.Fatalf("keeper holds %v", procs)
	}
	if err := be.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(be.keeper)); !os.IsNotExist(err) {
		t.Errorf("backend's freezer cgroup survives Close: %v", err)
	}
}

// Start reports how long it held the runtime at exec: the platform moves that
// from Init Duration to its own overhead.
func TestCgroup1StartSetup(t *testing.T) {
	b := newBox(t, newV1(t), Spec{}).(*cgroup1Box)
	wait(t, start(t, b, "exit 0"))
	if d := b.StartSetup(); d <= 0 || d > 10*time.Second {
		t.Errorf("StartSetup %v", d)
	}
}
