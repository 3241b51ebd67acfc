package loadgen

import (
	"context"
	"fmt"
	"sync"
)

// Run sends requests on schedule until Duration has elapsed or ctx is done,
// waits for those in flight, and calls sink (from any goroutine, but never
// concurrently with itself) with every Result in completion order; sink may be
// nil. Cancelling ctx stops scheduling new requests and abandons queued ones;
// in-flight ones finish (they get ctx too). Whenever fewer than Planned were
// sent, Run returns the Stats of what was sent with an error wrapping ctx.Err()
// (or the Clock's error). A failed request is never a Run error; bad options are.
//
// sink runs on the collecting goroutine: a slow sink eventually stalls workers
// and shows up as latency, so it should only buffer or encode.
func Run(ctx context.Context, o Options, f Func, sink func(Result)) (Stats, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Stats{}, fmt.Errorf("loadgen options: %w", err)
	}
	if sink == nil {
		sink = func(Result) {}
	}
	clock := o.Clock
	st := Stats{
		Planned:   o.Planned(),
		Latency:   newHistogram(),
		SendError: newHistogram(),
		Start:     clock.Now(),
	}

	// Workers stamp Done and enqueue under doneMu, so the collector sees
	// results in Done order and sink never runs concurrently with itself.
	results := make(chan Result, resultBuffer)
	var doneMu sync.Mutex
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for r := range results {
			st.Completed++
			if r.Err != nil {
				st.Errors++
			}
			record(st.Latency, r.Latency)
			record(st.SendError, r.Sent.Sub(r.Intended))
			sink(r)
		}
	}()

	d := newDispatcher(o.MaxInFlight)
	worker := func() {
		for {
			seq, ok := d.next(ctx)
			if !ok {
				return
			}
			r := Result{Seq: seq, Intended: st.Start.Add(o.offset(seq)), Sent: clock.Now()}
			r.Value, r.Err = f(ctx, seq)
			doneMu.Lock()
			r.Done = clock.Now()
			r.Latency = r.Done.Sub(r.Intended)
			results <- r
			doneMu.Unlock()
		}
	}

	var workers sync.WaitGroup
	var schedErr error
	for i := range st.Planned {
		if err := clock.SleepUntil(ctx, st.Start.Add(o.offset(i))); err != nil {
			schedErr = err
			break
		}
		if err := ctx.Err(); err != nil {
			schedErr = err
			break
		}
		if d.tick() {
			workers.Go(worker)
		}
	}
	d.close()
	workers.Wait()
	close(results)
	<-collected
	st.End = clock.Now()
	st.Sent = d.sent()
	if st.Sent == st.Planned {
		return st, nil
	}
	if schedErr == nil {
		schedErr = ctx.Err() // cancelled while the queue drained
	}
	return st, fmt.Errorf("loadgen: schedule cut short after %d of %d requests: %w", st.Sent, st.Planned, schedErr)
}

// resultBuffer decouples workers from sink: a burst of completions is
// absorbed here rather than held up behind a slow sink call.
const resultBuffer = 1024
