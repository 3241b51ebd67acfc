package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/coldstartlab/coldstart/internal/loadgen"
)

// cold forces a cold start for every sample. reconfigure updates an
// environment variable before each invoke (seed 000); parallel does so once
// per batch and then invokes the batch concurrently, so each invoke lands in
// its own new environment if the function holds its first invoke (seed 004);
// idle waits out the idle lifetime before each invoke (seed 003).
func (d *driver) cold(ctx context.Context) error {
	ph := d.step.Phase
	seqs := d.todo(0)
	bar := d.r.Progress.Phase(d.step.Label(), len(seqs))
	defer bar.Done()
	switch ph.Strategy {
	case StrategyParallel:
		for len(seqs) > 0 {
			batch := seqs[:min(ph.Concurrency, len(seqs))]
			seqs = seqs[len(batch):]
			if err := d.r.Target.ForceCold(ctx, d.step.Variant.Function); err != nil {
				return fmt.Errorf("%s: force cold: %w", d.step.Label(), err)
			}
			if err := d.concurrently(ctx, 0, batch, bar); err != nil {
				return err
			}
		}
		return nil
	case StrategyIdle:
		wait := ph.Wait
		if wait == 0 {
			if life := d.r.Target.IdleLifetime(); life > 0 {
				wait = life + time.Second
			} else {
				return fmt.Errorf("%s: this target does not say how long idle environments live: set `wait:` (AWS: typically 10m or more)", d.step.Label())
			}
		}
		for _, seq := range seqs {
			bar.Status(fmt.Sprintf("waiting %v for environments to expire", wait))
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
			if err := d.one(ctx, 0, seq, bar); err != nil {
				return err
			}
		}
		return nil
	default: // reconfigure
		for _, seq := range seqs {
			if err := d.r.Target.ForceCold(ctx, d.step.Variant.Function); err != nil {
				return fmt.Errorf("%s: force cold: %w", d.step.Label(), err)
			}
			if err := d.one(ctx, 0, seq, bar); err != nil {
				return err
			}
		}
		return nil
	}
}

// warm makes warm-up invokes, recorded but flagged, then measures sequential
// invokes (seed 003: 100).
func (d *driver) warm(ctx context.Context) error {
	seqs := d.todo(0)
	if len(seqs) == 0 {
		return nil
	}
	bar := d.r.Progress.Phase(d.step.Label(), d.step.Phase.Warmup+len(seqs))
	defer bar.Done()
	for i := range d.step.Phase.Warmup {
		if err := ctx.Err(); err != nil {
			return err
		}
		s := d.invoke(ctx, 0, i)
		s.Flag = FlagWarmup
		if err := d.r.record(s); err != nil {
			return err
		}
		bar.Add(&s)
	}
	for _, seq := range seqs {
		if err := d.one(ctx, 0, seq, bar); err != nil {
			return err
		}
	}
	return nil
}

// load runs open-loop constant-rate runs; each latency counts from its
// intended send time, so a slow function cannot slow the offered load.
func (d *driver) load(ctx context.Context) error {
	ph := d.step.Phase
	for rep := range d.step.Reps() {
		seqs := d.todo(rep)
		if len(seqs) == 0 {
			continue
		}
		if ph.Fresh {
			if err := d.r.Target.ForceCold(ctx, d.step.Variant.Function); err != nil {
				return fmt.Errorf("%s: force cold: %w", d.step.Label(), err)
			}
		}
		bar := d.r.Progress.Phase(fmt.Sprintf("%s · run %d/%d", d.step.Label(), rep+1, d.step.Reps()), len(seqs))
		var werr error
		var mu sync.Mutex
		_, err := loadgen.Run(ctx, loadgen.Options{Rate: ph.Rate, Requests: len(seqs), MaxInFlight: ph.MaxInFlight},
			func(ctx context.Context, i int) (any, error) {
				inv := d.r.Target.Invoke(ctx, d.step.Variant.Function, d.payload)
				return inv, nil
			},
			func(res loadgen.Result) {
				inv, _ := res.Value.(Invocation)
				if res.Err != nil && inv.Err == nil {
					inv.Err = res.Err
				}
				s := d.sample(inv, rep, seqs[res.Seq], res.Intended)
				if inv.Sent.IsZero() {
					s.SentAt = res.Sent
				}
				if err := d.r.record(s); err != nil {
					mu.Lock()
					werr = err
					mu.Unlock()
				}
				bar.Add(&s)
			})
		bar.Done()
		if werr != nil {
			return werr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// burst invokes C times at once.
func (d *driver) burst(ctx context.Context) error {
	for rep := range d.step.Reps() {
		seqs := d.todo(rep)
		if len(seqs) == 0 {
			continue
		}
		if d.step.Phase.Fresh {
			if err := d.r.Target.ForceCold(ctx, d.step.Variant.Function); err != nil {
				return fmt.Errorf("%s: force cold: %w", d.step.Label(), err)
			}
		}
		bar := d.r.Progress.Phase(fmt.Sprintf("%s · run %d/%d", d.step.Label(), rep+1, d.step.Reps()), len(seqs))
		err := d.concurrently(ctx, rep, seqs, bar)
		bar.Done()
		if err != nil {
			return err
		}
	}
	return nil
}

func (d *driver) one(ctx context.Context, rep, seq int, bar PhaseProgress) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s := d.invoke(ctx, rep, seq)
	if err := d.r.record(s); err != nil {
		return err
	}
	bar.Add(&s)
	return nil
}

// concurrently invokes once per seq, all at the same time.
func (d *driver) concurrently(ctx context.Context, rep int, seqs []int, bar PhaseProgress) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var werr error
	start := make(chan struct{})
	for _, seq := range seqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start // release them together
			s := d.invoke(ctx, rep, seq)
			mu.Lock()
			defer mu.Unlock()
			if err := d.r.record(s); err != nil && werr == nil {
				werr = err
			}
			bar.Add(&s)
		}()
	}
	close(start)
	wg.Wait()
	return werr
}
