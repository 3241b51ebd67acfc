package sandbox

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Pooled wraps a cgroup backend so that New hands out a sandbox created
// ahead of time for the same limits and creates the next one in the
// background: creating cgroups (a mkdir and limit writes per hierarchy,
// about 0.5 ms under v1) leaves a cold start's critical path. Lambda keeps
// its micro-VM slots ready the same way; the runtime process still starts at
// the invoke, so Init Duration is unchanged. The plain backend creates
// nothing and is returned as it is.
func Pooled(b Backend) Backend {
	if b.Name() == "plain" {
		return b
	}
	return &pooled{Backend: b, spare: map[limits]Sandbox{}, filling: map[limits]bool{}}
}

// limits is what makes two sandboxes interchangeable.
type limits struct {
	memoryMB int
	cpu      float64
}

type pooled struct {
	Backend
	mu      sync.Mutex
	spare   map[limits]Sandbox // at most one per limits
	filling map[limits]bool
	closed  bool
	seq     atomic.Int64
	wg      sync.WaitGroup
}

// New takes the spare sandbox with spec's limits, or creates one; either
// way a spare for the next New is then made in the background, shortly after. Spares have
// names of their own ("spare-N"), unique among live sandboxes.
func (p *pooled) New(spec Spec) (Sandbox, error) {
	k := limits{spec.MemoryMB, spec.CPU}
	p.mu.Lock()
	box, ok := p.spare[k]
	delete(p.spare, k)
	p.mu.Unlock()
	if !ok {
		var err error
		if box, err = p.Backend.New(spec); err != nil {
			return nil, err
		}
	}
	// Not at once: making a spare (mkdirs under cgroup_mutex, limit writes)
	// would compete with this sandbox's own start, for the CPUs and, in the
	// attach, for the kernel's cgroup locks. refillDelay covers the start and
	// a compiled runtime's init; a slower init meets it as a small share of
	// its own time.
	p.wg.Add(1)
	time.AfterFunc(refillDelay, func() {
		defer p.wg.Done()
		p.refill(k, spec)
	})
	return box, nil
}

// refillDelay is how long after handing out a sandbox its replacement is made.
const refillDelay = 20 * time.Millisecond

func (p *pooled) refill(k limits, spec Spec) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.filling[k] || p.spare[k] != nil {
		return
	}
	p.filling[k] = true
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		spec.Name = "spare-" + strconv.FormatInt(p.seq.Add(1), 10)
		box, err := p.Backend.New(spec)
		p.mu.Lock()
		p.filling[k] = false
		keep := err == nil && !p.closed && p.spare[k] == nil
		if keep {
			p.spare[k] = box
		}
		p.mu.Unlock()
		if err == nil && !keep {
			_ = box.Close()
		}
	}()
}

// Close removes the spares, then closes the backend.
func (p *pooled) Close() error {
	p.mu.Lock()
	p.closed = true
	spares := p.spare
	p.spare = map[limits]Sandbox{}
	p.mu.Unlock()
	p.wg.Wait()
	var errs []error
	for _, box := range spares {
		errs = append(errs, box.Close())
	}
	return errors.Join(append(errs, p.Backend.Close())...)
}
