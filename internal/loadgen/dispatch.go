package loadgen

import (
	"context"
	"sync"
)

// dispatcher hands due requests to workers. Requests become due strictly in
// Seq order, so the queue is just the range [taken, due) of sequence numbers:
// it never blocks the scheduler and costs nothing to grow.
//
// Notes:
//   - a tick wakes one idle worker, or else starts a new one below the cap
//     (vegeta's rule: a busy pool never delays the schedule);
//   - at the cap the request stays queued until a worker frees up;
//   - once ctx is done nothing more is taken from the queue: a worker whose
//     request was just cut short must not race the scheduler to send (and
//     instantly fail) requests that were never going to be sent;
//   - idle counts waiting workers not yet woken, so two ticks in a row never
//     spend one wake-up twice; a woken worker that finds its request taken by
//     a worker just back from the target simply waits again.
type dispatcher struct {
	mu      sync.Mutex
	cond    sync.Cond
	due     int // requests whose intended time has come
	taken   int // requests handed to a worker
	idle    int // workers waiting in next, not yet signalled
	workers int
	max     int
	closed  bool
}

func newDispatcher(max int) *dispatcher {
	d := &dispatcher{max: max}
	d.cond.L = &d.mu
	return d
}

// tick makes one more request due. It reports whether the caller must start
// a new worker for it.
func (d *dispatcher) tick() (startWorker bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.due++
	switch {
	case d.idle > 0:
		d.idle--
		d.cond.Signal()
	case d.workers < d.max:
		d.workers++
		return true
	}
	return false
}

// next blocks until a request is due and returns its Seq, or returns false
// once ctx is done or the dispatcher is closed with nothing left to send.
func (d *dispatcher) next(ctx context.Context) (seq int, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for {
		if ctx.Err() != nil {
			return 0, false
		}
		if d.taken < d.due {
			break
		}
		if d.closed {
			return 0, false
		}
		d.idle++
		d.cond.Wait()
	}
	seq = d.taken
	d.taken++
	return seq, true
}

// close ends the schedule: workers drain the queue (unless ctx is done) and exit.
func (d *dispatcher) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.cond.Broadcast()
}

// sent is the number of requests handed to workers so far.
func (d *dispatcher) sent() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.taken
}
