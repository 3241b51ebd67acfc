package sandbox

import (
	"errors"
	"strconv"
	"sync/atomic"

	"github.com/coldstartlab/coldstart/internal/spare"
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
	p := &pooled{Backend: b}
	p.spares = spare.New(spare.Delay, func(k Spec) (Sandbox, error) {
		k.Name = "spare-" + strconv.FormatInt(p.seq.Add(1), 10)
		return b.New(k)
	}, Sandbox.Close)
	return p
}

type pooled struct {
	Backend
	spares *spare.Pool[Spec, Sandbox] // keyed by limits: the name cleared
	seq    atomic.Int64
}

// New takes the spare sandbox with spec's limits, or creates one; either
// way a spare for the next New is made in the background, shortly after.
// Spares have names of their own ("spare-N"), unique among live sandboxes.
func (p *pooled) New(spec Spec) (Sandbox, error) {
	k := spec
	k.Name = ""
	if box, ok := p.spares.Take(k); ok {
		return box, nil
	}
	return p.Backend.New(spec)
}

// Close removes the spares, then closes the backend.
func (p *pooled) Close() error {
	return errors.Join(p.spares.Close(), p.Backend.Close())
}
