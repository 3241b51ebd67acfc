package loadgen

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// collect runs o and returns the Stats and every Result in sink order. It
// fails the test if sink is ever called concurrently or after Run returned.
func collect(t *testing.T, ctx context.Context, o Options, f Func) (Stats, []Result, error) {
	t.Helper()
	var (
		results  []Result
		inSink   atomic.Int32
		returned atomic.Bool
	)
	st, err := Run(ctx, o, f, func(r Result) {
		if inSink.Add(1) != 1 {
			t.Error("sink called concurrently")
		}
		if returned.Load() {
			t.Error("sink called after Run returned")
		}
		results = append(results, r)
		inSink.Add(-1)
	})
	returned.Store(true)
	return st, results, err
}

// checkConsistent asserts what must hold for every run, whatever the timing.
func checkConsistent(t *testing.T, o Options, st Stats, results []Result) {
	t.Helper()
	if st.Completed != len(results) {
		t.Errorf("Completed = %d, sink saw %d results", st.Completed, len(results))
	}
	if st.Completed != st.Sent {
		t.Errorf("Completed = %d, Sent = %d: every sent request must complete", st.Completed, st.Sent)
	}
	if st.Completed+(st.Planned-st.Sent) != st.Planned || st.Sent > st.Planned {
		t.Errorf("Completed %d + not sent %d != Planned %d", st.Completed, st.Planned-st.Sent, st.Planned)
	}
	if n := st.Latency.TotalCount(); n != int64(st.Completed) {
		t.Errorf("Latency histogram holds %d values, want %d", n, st.Completed)
	}
	if n := st.SendError.TotalCount(); n != int64(st.Completed) {
		t.Errorf("SendError histogram holds %d values, want %d", n, st.Completed)
	}
	errs := 0
	seen := make(map[int]bool)
	for i, r := range results {
		if r.Err != nil {
			errs++
		}
		if seen[r.Seq] || r.Seq < 0 || r.Seq >= st.Planned {
			t.Errorf("result %d: Seq %d duplicated or out of range", i, r.Seq)
		}
		seen[r.Seq] = true
		if want := st.Start.Add(o.offset(r.Seq)); !r.Intended.Equal(want) {
			t.Errorf("Seq %d: Intended = %v, want start+%v", r.Seq, r.Intended.Sub(st.Start), o.offset(r.Seq))
		}
		if r.Sent.Before(r.Intended) || r.Done.Before(r.Sent) {
			t.Errorf("Seq %d: want Intended ≤ Sent ≤ Done, got %v, %v, %v", r.Seq, r.Intended, r.Sent, r.Done)
		}
		if r.Latency != r.Done.Sub(r.Intended) {
			t.Errorf("Seq %d: Latency %v != Done-Intended %v", r.Seq, r.Latency, r.Done.Sub(r.Intended))
		}
		if i > 0 && r.Done.Before(results[i-1].Done) {
			t.Errorf("sink order: Seq %d done before Seq %d, which came first", r.Seq, results[i-1].Seq)
		}
		if r.Done.After(st.End) {
			t.Errorf("Seq %d done after Stats.End", r.Seq)
		}
	}
	if errs != st.Errors {
		t.Errorf("Errors = %d, results with Err = %d", st.Errors, errs)
	}
}

// enter counts a request in flight and keeps the peak; call what it returns on exit.
func enter(inFlight, peak *atomic.Int32) (exit func()) {
	n := inFlight.Add(1)
	for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
	}
	return func() { inFlight.Add(-1) }
}

func TestSchedule(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rate     float64
		duration time.Duration
		planned  int
	}{
		{"10rps for 1s", 10, time.Second, 10},
		{"thirds", 3, time.Second, 3},
		{"slower than 1rps", 0.5, 5 * time.Second, 3},
		{"end is exclusive", 4, 1001 * time.Millisecond, 5},
		{"zero duration", 10, 0, 0},
		{"seed 002: 1rps for 5min", 1, 5 * time.Minute, 300},
		{"no drift over many", 7, 100 * time.Second, 700},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{Rate: tc.rate, Duration: tc.duration, Clock: newStepClock()}
			st, results, err := collect(t, context.Background(), o, func(ctx context.Context, seq int) (any, error) {
				return seq * 2, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if st.Planned != tc.planned || st.Sent != tc.planned {
				t.Fatalf("Planned, Sent = %d, %d; want %d", st.Planned, st.Sent, tc.planned)
			}
			checkConsistent(t, o, st, results)
			intended := make([]time.Time, st.Planned)
			for _, r := range results {
				intended[r.Seq] = r.Intended
				if r.Value != r.Seq*2 {
					t.Errorf("Seq %d: Value = %v, want %d", r.Seq, r.Value, r.Seq*2)
				}
			}
			for i, at := range intended {
				want := time.Duration(float64(i) * float64(time.Second) / tc.rate)
				if got := at.Sub(st.Start); got != want {
					t.Errorf("Seq %d intended at start+%v, want +%v", i, got, want)
				}
				if i > 0 && !at.After(intended[i-1]) {
					t.Errorf("Seq %d not intended after Seq %d", i, i-1)
				}
				if got := at.Sub(st.Start); got >= tc.duration {
					t.Errorf("Seq %d intended at +%v, not before Duration %v", i, got, tc.duration)
				}
			}
		})
	}
}

func TestScheduleTenPerSecond(t *testing.T) {
	o := Options{Rate: 10, Duration: time.Second, Clock: newStepClock()}
	st, results, err := collect(t, context.Background(), o, func(context.Context, int) (any, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 10 {
		t.Fatalf("got %d results, want 10", len(results))
	}
	bySeq := make([]Result, 10)
	for _, r := range results {
		bySeq[r.Seq] = r
	}
	for i, r := range bySeq {
		if want := st.Start.Add(time.Duration(i) * 100 * time.Millisecond); !r.Intended.Equal(want) {
			t.Errorf("Seq %d: Intended = start+%v, want +%v", i, r.Intended.Sub(st.Start), want.Sub(st.Start))
		}
	}
}

// TestSlowTargetQueues is coordinated omission's textbook case: one slot, a
// target four times slower than the gaps between requests. The schedule
// stays put; the waits pile up and are counted.
func TestSlowTargetQueues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const service = 250 * time.Millisecond
		clock := bubbleClock{}
		o := Options{Rate: 10, Duration: time.Second, MaxInFlight: 1, Clock: clock}
		var inFlight, peak atomic.Int32
		f := serve(clock, service)
		st, results, err := collect(t, context.Background(), o, func(ctx context.Context, seq int) (any, error) {
			defer enter(&inFlight, &peak)()
			return f(ctx, seq)
		})
		if err != nil {
			t.Fatal(err)
		}
		checkConsistent(t, o, st, results)
		if st.Planned != 10 || len(results) != 10 {
			t.Fatalf("Planned = %d, results = %d; want 10", st.Planned, len(results))
		}
		if peak.Load() != 1 {
			t.Errorf("peak in flight = %d, want 1 (MaxInFlight)", peak.Load())
		}
		for i, r := range results {
			// One at a time: request i starts when request i-1 is done.
			ms := func(d time.Duration) time.Time { return st.Start.Add(d * time.Millisecond) }
			if r.Seq != i {
				t.Fatalf("result %d has Seq %d: one worker must go in order", i, r.Seq)
			}
			wantIntended, wantSent, wantDone := ms(100*time.Duration(i)), ms(250*time.Duration(i)), ms(250*time.Duration(i+1))
			if !r.Intended.Equal(wantIntended) || !r.Sent.Equal(wantSent) || !r.Done.Equal(wantDone) {
				t.Errorf("Seq %d: intended/sent/done at +%v/+%v/+%v, want +%v/+%v/+%v", i,
					r.Intended.Sub(st.Start), r.Sent.Sub(st.Start), r.Done.Sub(st.Start),
					wantIntended.Sub(st.Start), wantSent.Sub(st.Start), wantDone.Sub(st.Start))
			}
			wait := r.Sent.Sub(r.Intended)
			if r.Latency != service+wait {
				t.Errorf("Seq %d: Latency %v, want service %v + wait %v", i, r.Latency, service, wait)
			}
		}
		last := results[len(results)-1]
		if want := 1600 * time.Millisecond; last.Latency != want {
			t.Errorf("last Latency = %v, want %v (250 ms service + 1350 ms queued)", last.Latency, want)
		}
		if got, want := st.Latency.Max(), int64(1600_000); !st.Latency.ValuesAreEquivalent(got, want) {
			t.Errorf("Latency histogram max = %d µs, want ≈ %d", got, want)
		}
		if got := st.End.Sub(st.Start); got != 2500*time.Millisecond {
			t.Errorf("run took %v, want 2.5s", got)
		}
	})
}

// TestSlowTargetOpenLoop: without a tight cap, a slow target gets more
// workers, not fewer requests; every send is exactly on time.
func TestSlowTargetOpenLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const service = 250 * time.Millisecond
		clock := bubbleClock{}
		o := Options{Rate: 10, Duration: 2 * time.Second, Clock: clock}
		var inFlight, peak atomic.Int32
		f := serve(clock, service)
		st, results, err := collect(t, context.Background(), o, func(ctx context.Context, seq int) (any, error) {
			defer enter(&inFlight, &peak)()
			return f(ctx, seq)
		})
		if err != nil {
			t.Fatal(err)
		}
		checkConsistent(t, o, st, results)
		if len(results) != 20 {
			t.Fatalf("got %d results, want 20", len(results))
		}
		for _, r := range results {
			if !r.Sent.Equal(r.Intended) || r.Latency != service {
				t.Errorf("Seq %d: sent %v late, latency %v; want on time, %v", r.Seq, r.Sent.Sub(r.Intended), r.Latency, service)
			}
		}
		if peak.Load() != 3 {
			t.Errorf("peak in flight = %d, want 3 (250 ms calls every 100 ms)", peak.Load())
		}
		if st.SendError.Max() != 0 {
			t.Errorf("SendError max = %d µs, want 0", st.SendError.Max())
		}
	})
}

// TestColdStartDoesNotDelayOthers is seed 002's shape (1 rps, first call
// cold and slow): the requests due meanwhile go out on time on new workers.
func TestColdStartDoesNotDelayOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := bubbleClock{}
		o := Options{Rate: 1, Duration: 5 * time.Minute, Clock: clock}
		cold, warm := serve(clock, 2500*time.Millisecond), serve(clock, 23*time.Millisecond)
		st, results, err := collect(t, context.Background(), o, func(ctx context.Context, seq int) (any, error) {
			if seq == 0 {
				return cold(ctx, seq)
			}
			return warm(ctx, seq)
		})
		if err != nil {
			t.Fatal(err)
		}
		checkConsistent(t, o, st, results)
		if st.Completed != 300 {
			t.Fatalf("Completed = %d, want 300", st.Completed)
		}
		for _, r := range results {
			want := 23 * time.Millisecond
			if r.Seq == 0 {
				want = 2500 * time.Millisecond
			}
			if r.Latency != want {
				t.Errorf("Seq %d: Latency %v, want %v", r.Seq, r.Latency, want)
			}
		}
		if got := st.Latency.ValueAtQuantile(50); !st.Latency.ValuesAreEquivalent(got, 23_000) {
			t.Errorf("median = %d µs, want 23000", got)
		}
	})
}

func TestErrorsAreData(t *testing.T) {
	boom := errors.New("boom")
	o := Options{Rate: 30, Duration: time.Second, Clock: newStepClock()}
	st, results, err := collect(t, context.Background(), o, func(ctx context.Context, seq int) (any, error) {
		if seq%3 == 2 {
			return "partial", boom
		}
		return "ok", nil
	})
	if err != nil {
		t.Fatalf("Run = %v; request failures must not fail the run", err)
	}
	checkConsistent(t, o, st, results)
	if st.Planned != 30 || st.Completed != 30 || st.Errors != 10 {
		t.Errorf("Planned/Completed/Errors = %d/%d/%d, want 30/30/10", st.Planned, st.Completed, st.Errors)
	}
	for _, r := range results {
		if failed := r.Seq%3 == 2; failed != (r.Err != nil) || (failed && !errors.Is(r.Err, boom)) {
			t.Errorf("Seq %d: Err = %v", r.Seq, r.Err)
		}
		if r.Err != nil && r.Value != "partial" {
			t.Errorf("Seq %d: Value = %v; a failed request keeps what it returned", r.Seq, r.Value)
		}
	}
}

func TestCancel(t *testing.T) {
	for _, tc := range []struct {
		name        string
		duration    time.Duration
		maxInFlight int
		cancelAt    time.Duration // chosen to tie with no request event
		planned     int
		sent        int
	}{
		// Requests every 100 ms, 250 ms each: 0..25 are out by +2.525s.
		{"open loop", 10 * time.Second, 0, 2525 * time.Millisecond, 100, 26},
		// One slot: request i is sent at +250i ms, so 0..10 are out; the
		// other 15 due by then sit in the queue and are abandoned.
		{"queued requests are dropped", 10 * time.Second, 1, 2525 * time.Millisecond, 100, 11},
		// The schedule ended at +0.9s; the queue still held 5..9.
		{"cancel while the queue drains", time.Second, 1, 1125 * time.Millisecond, 10, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock := bubbleClock{}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				time.AfterFunc(tc.cancelAt, cancel)
				o := Options{Rate: 10, Duration: tc.duration, MaxInFlight: tc.maxInFlight, Clock: clock}
				st, results, err := collect(t, ctx, o, serve(clock, 250*time.Millisecond))
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Run = %v, want context.Canceled", err)
				}
				checkConsistent(t, o, st, results)
				if st.Planned != tc.planned || st.Sent != tc.sent {
					t.Errorf("Planned, Sent = %d, %d; want %d, %d", st.Planned, st.Sent, tc.planned, tc.sent)
				}
				// The requests in flight at the cancel see it through ctx.
				for _, r := range results {
					cut := r.Sent.Add(250 * time.Millisecond).After(st.Start.Add(tc.cancelAt))
					if cut != errors.Is(r.Err, context.Canceled) {
						t.Errorf("Seq %d sent at +%v: Err = %v", r.Seq, r.Sent.Sub(st.Start), r.Err)
					}
				}
			})
			// synctest.Test returns only once every goroutine Run started has
			// exited, so reaching here means nothing leaked.
		})
	}
}

func TestCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := Options{Rate: 10, Duration: time.Second, Clock: newStepClock()}
	st, results, err := collect(t, ctx, o, func(context.Context, int) (any, error) {
		t.Error("request sent after cancel")
		return nil, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	checkConsistent(t, o, st, results)
	if st.Sent != 0 || st.Planned != 10 {
		t.Errorf("Planned, Sent = %d, %d; want 10, 0", st.Planned, st.Sent)
	}
}

// TestRealClockRun is a smoke test on the wall clock: counts only, no timing.
func TestRealClockRun(t *testing.T) {
	o := Options{Rate: 2000, Duration: 20 * time.Millisecond, MaxInFlight: 4}
	var inFlight, peak atomic.Int32
	st, results, err := collect(t, context.Background(), o, func(context.Context, int) (any, error) {
		defer enter(&inFlight, &peak)()
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	o.Clock = RealClock()
	checkConsistent(t, o, st, results)
	if st.Completed != 40 {
		t.Errorf("Completed = %d, want 40", st.Completed)
	}
	if peak.Load() > 4 {
		t.Errorf("peak in flight = %d, above MaxInFlight 4", peak.Load())
	}
}

func TestBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"zero rate", Options{Rate: 0, Duration: time.Second}},
		{"negative rate", Options{Rate: -1, Duration: time.Second}},
		{"NaN rate", Options{Rate: math.NaN(), Duration: time.Second}},
		{"infinite rate", Options{Rate: math.Inf(1), Duration: time.Second}},
		{"negative duration", Options{Rate: 1, Duration: -time.Second}},
		{"negative max in flight", Options{Rate: 1, Duration: time.Second, MaxInFlight: -1}},
		{"too many requests", Options{Rate: 1e12, Duration: time.Hour}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), tc.o, func(context.Context, int) (any, error) {
				t.Error("request sent with bad options")
				return nil, nil
			}, nil)
			if err == nil {
				t.Error("Run accepted bad options")
			}
		})
	}
}

func TestRecordClamps(t *testing.T) {
	h := newHistogram()
	for _, d := range []time.Duration{-time.Second, 0, 400 * time.Nanosecond, 600 * time.Nanosecond, 2 * time.Hour} {
		record(h, d)
	}
	if h.TotalCount() != 5 {
		t.Fatalf("recorded %d values, want 5", h.TotalCount())
	}
	if h.Min() != 0 || !h.ValuesAreEquivalent(h.Max(), histHighest) {
		t.Errorf("min, max = %d, %d; want 0, %d", h.Min(), h.Max(), histHighest)
	}
}

// failingClock's SleepUntil fails from the n-th call on.
type failingClock struct {
	*stepClock
	n     int
	calls int
}

var errClock = errors.New("clock broke")

func (c *failingClock) SleepUntil(ctx context.Context, t time.Time) error {
	c.calls++ // only the scheduler goroutine sleeps here
	if c.calls > c.n {
		return errClock
	}
	return c.stepClock.SleepUntil(ctx, t)
}

func TestClockError(t *testing.T) {
	o := Options{Rate: 10, Duration: time.Second, Clock: &failingClock{stepClock: newStepClock(), n: 4}}
	st, results, err := collect(t, context.Background(), o, func(context.Context, int) (any, error) { return nil, nil })
	if !errors.Is(err, errClock) {
		t.Errorf("Run = %v, want the clock's error", err)
	}
	checkConsistent(t, o, st, results)
	if st.Sent != 4 {
		t.Errorf("Sent = %d, want 4", st.Sent)
	}
}

func TestRequestsOverridesDuration(t *testing.T) {
	o, err := Options{Rate: 10, Duration: time.Hour, Requests: 7}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Planned(); got != 7 {
		t.Fatalf("planned %d, want 7", got)
	}
	if _, err := (Options{Rate: 10, Requests: -1}).withDefaults(); err == nil {
		t.Fatal("negative Requests accepted")
	}
}

func TestPlannedNeverHangs(t *testing.T) {
	tests := []struct {
		o    Options
		want int
	}{
		{Options{Rate: 0, Duration: time.Second}, 0},
		{Options{Rate: math.NaN(), Duration: time.Second}, 0},
		{Options{Rate: math.Inf(1), Duration: time.Second}, 0},
		{Options{Rate: 1e300, Duration: time.Hour}, 0},  // beyond maxPlanned
		{Options{Rate: 1e-300, Duration: time.Hour}, 1}, // only the request at t=0
		{Options{Rate: 1e-9, Duration: 1<<63 - 1}, 10},  // one every 31.7 years for 292 years
	}
	for _, tt := range tests {
		if got := tt.o.Planned(); got != tt.want {
			t.Errorf("%+v: planned %d, want %d", tt.o, got, tt.want)
		}
	}
}
