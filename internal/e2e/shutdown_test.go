package e2e

import (
	"errors"
	"testing"
	"time"

	smithyhttp "github.com/aws/smithy-go/transport/http"
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

// SIGTERM in the middle of a burst: every in-flight invoke gets an HTTP
// answer (its result, or Lambda's ServiceException) rather than a dropped
// connection, serve exits 0, and no runtime outlives it.
func TestSIGTERMDuringBurst(t *testing.T) {
	s := startServe(t)
	const n = 40
	answers := make(chan error, n)
	for range n {
		go func() {
			_, err := s.tryInvoke("Medium", `{"sleep_ms":3000}`)
			answers <- err
		}()
	}
	var pids []int
	for deadline := time.Now().Add(20 * time.Second); len(pids) < n && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		pids = s.runtimePIDs()
	}
	if len(pids) < n/2 {
		t.Fatalf("%d runtimes before SIGTERM, want at least %d", len(pids), n/2)
	}
	s.stop()
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("serve exit code %d, want 0", code)
	}
	for range n {
		select {
		case err := <-answers:
			var re *smithyhttp.ResponseError
			if err != nil && !errors.As(err, &re) {
				t.Errorf("an in-flight invoke got no HTTP answer: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("an in-flight invoke got no answer at all")
		}
	}
	for _, pid := range s.runtimePIDsOf(pids) {
		t.Errorf("runtime %d still alive after serve exited", pid)
	}
}

// runtimePIDsOf returns the pids that are still alive.
func (s *server) runtimePIDsOf(pids []int) []int {
	var out []int
	for _, pid := range pids {
		if alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// SIGKILL gives serve no chance to clean up. Its runtimes must not outlive
// it: a running or SIGSTOP-frozen one dies with its parent (Pdeathsig); a
// cgroup-v1-frozen one cannot act on any signal until thawed, so the next
// serve thaws, kills and removes what its dead predecessor left.
func TestSIGKILLLeavesNoOrphan(t *testing.T) {
	for _, sandbox := range []string{"plain", "auto"} {
		t.Run(sandbox, func(t *testing.T) {
			s := startServe(t, "--sandbox", sandbox)
			s.invoke("Uppercase", `"a"`) // then idle: frozen
			go s.tryInvoke("Faulty", `{"sleep_ms":900}`)
			var pids []int
			for deadline := time.Now().Add(10 * time.Second); len(pids) < 2 && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond)
				pids = s.runtimePIDs()
			}
			if len(pids) != 2 {
				t.Fatalf("runtime processes before SIGKILL: %v, want 2", pids)
			}
			if err := s.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			<-s.exited // Wait has set ProcessState: stop() has nothing left to do
			// The successor cleans up what the predecessor's death could not.
			next := startServe(t, "--sandbox", sandbox)
			next.stop()
			for deadline := time.Now().Add(10 * time.Second); len(s.runtimePIDsOf(pids)) > 0 && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond)
			}
			if left := s.runtimePIDsOf(pids); len(left) > 0 {
				t.Errorf("runtimes %v outlived the SIGKILLed serve and its successor", left)
			}
		})
	}
}
