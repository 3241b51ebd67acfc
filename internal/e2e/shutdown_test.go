package e2e

import (
	"testing"
	"time"
)

// SIGTERM kills every runtime: an idle (frozen) one and one mid-invoke.
func TestSIGTERMLeavesNoRuntime(t *testing.T) {
	s := startServe(t)
	s.invoke("Uppercase", `"a"`)
	busy := make(chan error, 1)
	go func() {
		_, err := s.tryInvoke("Faulty", `{"sleep_ms":900}`)
		busy <- err
	}()
	var pids []int
	for deadline := time.Now().Add(10 * time.Second); len(pids) < 2 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		pids = s.runtimePIDs()
	}
	if len(pids) != 2 {
		t.Fatalf("runtime processes before SIGTERM: %v, want 2", pids)
	}
	s.stop()
	if err := s.cmd.ProcessState.ExitCode(); err != 0 {
		t.Errorf("serve exit code %d, want 0", err)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("runtime %d still alive after serve exited", pid)
		}
	}
	select {
	case <-busy: // answered (with an error or, if it finished first, a result)
	case <-time.After(10 * time.Second):
		t.Error("the in-flight invoke got no answer")
	}
}

// An environment idle past --idle-timeout is reclaimed: its process exits
// and the next invoke is cold.
func TestIdleEnvironmentIsReaped(t *testing.T) {
	s := startServe(t, "--idle-timeout", "300ms")
	if !s.invoke("Uppercase", `"a"`).report.HasInit {
		t.Fatal("first invoke was not cold")
	}
	pids := s.runtimePIDs()
	if len(pids) != 1 {
		t.Fatalf("runtime processes: %v", pids)
	}
	for deadline := time.Now().Add(10 * time.Second); alive(pids[0]); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("idle environment not reaped within 10 s")
		}
	}
	if h := s.health(); h["environments"] != float64(0) {
		t.Errorf("environments after reaping: %v", h["environments"])
	}
	if !s.invoke("Uppercase", `"b"`).report.HasInit {
		t.Error("invoke after reaping was not cold")
	}
}
