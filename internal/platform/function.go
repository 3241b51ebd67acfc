package platform

import (
	"sync"
	"time"
)

// function holds one function's configuration and its environments.
type function struct {
	mu  sync.Mutex
	cfg FunctionConfig
	// epoch advances on every configuration change and Retire; environments
	// of an older epoch are closed when released, never reused.
	epoch int
	idle  []*environment // most recently used last
	all   map[*environment]struct{}
	// finishing counts environments of the current epoch whose invoke has
	// been answered but not yet completed (no /next again yet).
	finishing int
	// handoff passes an environment from its completed invoke to an invoke
	// waiting in place, without a stop in idle (Platform.release).
	handoff chan *environment

	// Concurrency (guarded by Platform.admitMu, then mu): invokes in
	// flight, how many of them hold a slot of the shared pool, and the
	// reservation (-1: none).
	active           int64
	activeUnreserved int64
	reserved         int64
}

func newFunction(cfg FunctionConfig) *function {
	return &function{cfg: cfg, all: map[*environment]struct{}{}, reserved: -1, handoff: make(chan *environment)}
}

// takeIdle returns the most recently used idle environment, or nil. Reusing
// the warmest one lets the idle reaper reclaim the others, as Lambda tends to.
func (f *function) takeIdle() *environment {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.idle)
	if n == 0 {
		return nil
	}
	e := f.idle[n-1]
	f.idle[n-1] = nil
	f.idle = f.idle[:n-1]
	return e
}

func (f *function) finishingCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.finishing
}

func (f *function) config() (FunctionConfig, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg, f.epoch
}

// retire starts a new epoch and takes every idle environment out of service;
// busy ones are closed when released.
func (f *function) retire() []*environment {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.epoch++
	f.finishing = 0 // those environments will not come back
	out := f.idle
	for _, e := range out {
		delete(f.all, e)
	}
	f.idle = nil
	return out
}

// expired takes out the environments idle since before cutoff.
func (f *function) expired(cutoff time.Time) []*environment {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*environment
	keep := f.idle[:0]
	for _, e := range f.idle {
		if e.lastUsed.Before(cutoff) {
			out = append(out, e)
			delete(f.all, e)
		} else {
			keep = append(keep, e)
		}
	}
	clear(f.idle[len(keep):])
	f.idle = keep
	return out
}

// everything takes out every environment, idle or busy.
func (f *function) everything() []*environment {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*environment, 0, len(f.all))
	for e := range f.all {
		out = append(out, e)
	}
	f.all = map[*environment]struct{}{}
	f.idle = nil
	return out
}
