package runtimeapi

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// A /next left open by a runtime that was reset (its process killed, the
// connection not yet seen closed) must not swallow the wake-up meant for the
// new runtime's /next, or the invoke would wait for its timeout.
func TestStaleNextPassesWakeUpOn(t *testing.T) {
	get := func(h *harness, out chan<- string) {
		resp, err := http.Get(h.url + "invocation/next")
		if err != nil {
			out <- "error: " + err.Error()
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		out <- resp.Status + " " + resp.Header.Get(HeaderRequestID)
	}
	// Which waiting /next takes the wake-up is up to the scheduler; enough
	// rounds make the stale one take it in some.
	for round := range 30 {
		h := newHarness(t)
		h.s.Reset()
		stale, fresh := make(chan string, 1), make(chan string, 1)
		go get(h, stale)
		h.event(EventReady)
		h.s.Reset() // the old runtime is gone; its /next still waits
		go get(h, fresh)
		h.event(EventReady)
		time.Sleep(time.Millisecond) // let the fresh /next start waiting
		h.s.Invoke(invocation("r"))
		select {
		case got := <-fresh:
			if got != "200 OK r" {
				t.Fatalf("round %d: fresh /next got %q", round, got)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: the fresh /next never got the invoke", round)
		}
	}
}
