// Package spare keeps one ready-made value per key (a sandbox for a memory
// size, an environment's Runtime API server and log pipe) and makes the next
// in the background a little after one is taken. Making it then leaves the
// critical path of what takes it (a cold start) without competing with it:
// made at once, it would run beside that very start, for the CPUs and, for
// cgroups, for the kernel's cgroup locks.
package spare

import (
	"errors"
	"sync"
	"time"
)

// Delay is the usual wait between a Take and the making of the next spare:
// it covers a start and a compiled runtime's init; a slower init meets the
// making as a small share of its own time.
const Delay = 20 * time.Millisecond

// Pool holds at most one spare per key. It is safe for concurrent use.
type Pool[K comparable, V any] struct {
	make    func(K) (V, error)
	discard func(V) error
	delay   time.Duration

	mu      sync.Mutex
	ready   map[K]V
	filling map[K]*time.Timer // a spare is due to be made for each key here
	closed  bool
	wg      sync.WaitGroup
}

// New returns an empty pool: make creates a value for a key, discard
// releases one that will never be taken, and delay is how long after a Take
// the next spare for that key is made.
func New[K comparable, V any](delay time.Duration, make func(K) (V, error), discard func(V) error) *Pool[K, V] {
	return &Pool[K, V]{make: make, discard: discard, delay: delay, ready: map[K]V{}, filling: map[K]*time.Timer{}}
}

// Take returns the spare for k, if one is ready, and schedules the next one
// either way.
func (p *Pool[K, V]) Take(k K) (v V, ok bool) {
	p.mu.Lock()
	v, ok = p.ready[k]
	delete(p.ready, k)
	p.mu.Unlock()
	p.refill(k)
	return v, ok
}

// Ready reports how many spares are ready.
func (p *Pool[K, V]) Ready() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ready)
}

func (p *Pool[K, V]) refill(k K) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, have := p.ready[k]; have || p.closed || p.filling[k] != nil {
		return
	}
	p.wg.Add(1)
	p.filling[k] = time.AfterFunc(p.delay, func() {
		defer p.wg.Done()
		p.mu.Lock()
		closed := p.closed
		p.mu.Unlock()
		var v V
		var err error
		if !closed {
			v, err = p.make(k)
		}
		p.mu.Lock()
		delete(p.filling, k)
		_, have := p.ready[k]
		keep := !closed && err == nil && !p.closed && !have
		if keep {
			p.ready[k] = v
		}
		p.mu.Unlock()
		if !closed && err == nil && !keep {
			_ = p.discard(v) // made in vain: nobody would hear of its release
		}
	})
}

// Close discards every spare, after waiting for those being made (those
// not yet started never will be), and returns what discarding them
// returned; Take still works afterwards but makes no more spares.
func (p *Pool[K, V]) Close() error {
	p.mu.Lock()
	p.closed = true
	for k, timer := range p.filling {
		if timer.Stop() {
			delete(p.filling, k)
			p.wg.Done()
		}
	}
	p.mu.Unlock()
	p.wg.Wait()
	p.mu.Lock()
	ready := p.ready
	p.ready = map[K]V{}
	p.mu.Unlock()
	var errs []error
	for _, v := range ready {
		errs = append(errs, p.discard(v))
	}
	return errors.Join(errs...)
}
