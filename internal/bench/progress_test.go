package bench

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Bars must keep rendering while samples arrive: a decorator that calls back
// into its bar deadlocks mpb's render loop on the first refresh.
func TestBarProgressRendersWhileRunning(t *testing.T) {
	var out syncBuffer
	p := NewBarProgress(&out)
	ph := p.Phase("up @ 128 MB · cold (idle)", 5)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 5 {
			ph.Status("waiting for environments to expire")
			time.Sleep(150 * time.Millisecond) // longer than a refresh
			ph.Add(&Sample{Status: 200, Cold: i%2 == 0})
		}
		ph.Done()
		p.Log("a log line")
		p.Close()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("progress display hung")
	}
	got := out.String()
	for _, want := range []string{"up @ 128 MB · cold (idle)", "5/5", "3 cold", "a log line"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
