package spare

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// counter makes numbered values and records which were discarded.
type counter struct {
	mu        sync.Mutex
	made      int
	fail      bool
	discarded []int
}

func (c *counter) make(string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail {
		return 0, errors.New("no")
	}
	c.made++
	return c.made, nil
}

func (c *counter) discard(v int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.discarded = append(c.discarded, v)
	return nil
}

// waitReady polls until the pool holds n spares (a liveness bound, not a timing).
func waitReady(t *testing.T, p *Pool[string, int], n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); p.Ready() != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d spares ready, want %d", p.Ready(), n)
		}
	}
}

func TestTakeThenSpare(t *testing.T) {
	c := &counter{}
	p := New(time.Millisecond, c.make, c.discard)
	if _, ok := p.Take("a"); ok {
		t.Fatal("a spare before any was made")
	}
	waitReady(t, p, 1)
	if v, ok := p.Take("a"); !ok || v != 1 {
		t.Fatalf("Take = %d, %v; want the spare 1", v, ok)
	}
	if _, ok := p.Take("b"); ok {
		t.Fatal("a spare for another key")
	}
	waitReady(t, p, 2) // one for a, one for b
	p.Close()
	if p.Ready() != 0 || len(c.discarded) != 2 {
		t.Fatalf("after Close: %d ready, discarded %v", p.Ready(), c.discarded)
	}
	if _, ok := p.Take("a"); ok {
		t.Fatal("a spare after Close")
	}
}

func TestCloseWaitsForSpareBeingMade(t *testing.T) {
	c := &counter{}
	p := New(time.Hour, c.make, c.discard)
	p.Take("a") // schedules a spare an hour from now
	p.Close()   // must not wait the hour, nor make it later
	if c.made != 0 {
		t.Fatalf("made %d after Close", c.made)
	}
}

func TestFailedMakeLeavesNoSpare(t *testing.T) {
	c := &counter{fail: true}
	p := New(time.Millisecond, c.make, c.discard)
	p.Take("a")
	p.Close()
	if p.Ready() != 0 || len(c.discarded) != 0 {
		t.Fatalf("%d ready, discarded %v", p.Ready(), c.discarded)
	}
}
