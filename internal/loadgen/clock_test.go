package loadgen

import (
	"context"
	"sync"
	"testing"
	"time"
)

// stepClock is manual time: SleepUntil jumps the clock to its deadline and
// returns at once, so a schedule runs instantly and its intended times are
// exact. Nothing else moves the clock.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func newStepClock() *stepClock {
	return &stepClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) SleepUntil(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	return nil
}

// bubbleClock is event-driven virtual time: used inside a synctest bubble,
// where time.Now and timers are fake and time jumps only once every goroutine
// of the run is blocked. Request functions sleep on it too, so a "250 ms"
// call takes exactly 250 ms of virtual time and every timestamp of a run is
// deterministic, real goroutines and all. Unlike RealClock it never spins
// (a spinning goroutine would stop virtual time).
type bubbleClock struct{}

func (bubbleClock) Now() time.Time { return time.Now() }

func (bubbleClock) SleepUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// serve returns a request function that takes d of virtual time on c.
func serve(c Clock, d time.Duration) Func {
	return func(ctx context.Context, seq int) (any, error) {
		if err := c.SleepUntil(ctx, c.Now().Add(d)); err != nil {
			return nil, err
		}
		return seq, nil
	}
}

func TestRealClock(t *testing.T) {
	c := RealClock()
	ctx := context.Background()

	if err := c.SleepUntil(ctx, c.Now().Add(-time.Second)); err != nil {
		t.Fatalf("SleepUntil(past) = %v, want nil", err)
	}
	for _, d := range []time.Duration{0, 100 * time.Microsecond, 3 * time.Millisecond} {
		deadline := c.Now().Add(d)
		if err := c.SleepUntil(ctx, deadline); err != nil {
			t.Fatalf("SleepUntil(+%v) = %v", d, err)
		}
		if now := c.Now(); now.Before(deadline) {
			t.Errorf("SleepUntil(+%v) returned %v early", d, deadline.Sub(now))
		}
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.SleepUntil(cancelled, c.Now().Add(time.Hour)); err != context.Canceled {
		t.Errorf("SleepUntil(cancelled ctx) = %v, want context.Canceled", err)
	}
	cancelLater, cancel2 := context.WithCancel(ctx)
	go cancel2()
	if err := c.SleepUntil(cancelLater, c.Now().Add(time.Hour)); err != context.Canceled {
		t.Errorf("SleepUntil(ctx cancelled while asleep) = %v, want context.Canceled", err)
	}
}
