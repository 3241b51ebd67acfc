package loadgen

import (
	"context"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Result is one request.
type Result struct {
	Seq      int
	Intended time.Time     // when the schedule wanted it sent
	Sent     time.Time     // when it actually started
	Done     time.Time     // when the request function returned
	Latency  time.Duration // Done - Intended (includes any wait for a slot or scheduling delay)
	Value    any           // what the request function returned
	Err      error         // failures are data, not a reason to stop
}

// Func performs request seq; it is called concurrently.
type Func func(ctx context.Context, seq int) (any, error)

// Stats summarises a run.
type Stats struct {
	Planned   int                     // requests the schedule holds (Rate × Duration)
	Sent      int                     // requests started; Planned - Sent were cut off (ctx done, or Clock failed)
	Completed int                     // requests finished; equals Sent once Run has returned
	Errors    int                     // completed requests with a non-nil Err
	Latency   *hdrhistogram.Histogram // microseconds, from intended time
	SendError *hdrhistogram.Histogram // microseconds, Sent - Intended
	Start     time.Time               // the run's start: request 0's intended time
	End       time.Time               // when the last request had finished
}

// Histogram range: 1 µs resolution up to an hour, 3 significant figures.
const (
	histLowest  = 1
	histHighest = int64(time.Hour / time.Microsecond)
	histSigFigs = 3
)

func newHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(histLowest, histHighest, histSigFigs)
}

// record adds d, rounded to whole microseconds, to h. Values outside the range
// are clamped rather than dropped so that the count always equals Completed;
// 0 is recordable and kept, since an on-time send is worth telling apart.
func record(h *hdrhistogram.Histogram, d time.Duration) {
	us := int64((d + time.Microsecond/2) / time.Microsecond)
	us = min(max(us, 0), histHighest)
	_ = h.RecordValue(us) // cannot fail: us is in range
}
