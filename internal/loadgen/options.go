package loadgen

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// DefaultMaxInFlight is the cap on concurrent requests when Options.MaxInFlight is 0.
const DefaultMaxInFlight = 10000

// Options configures one run.
type Options struct {
	Rate     float64       // requests per second, > 0
	Duration time.Duration // requests are intended at start + i/Rate for every i with offset < Duration
	// Requests, when positive, sends exactly this many requests at Rate and
	// ignores Duration: a resumed run sends just the ones it is missing.
	Requests int
	// MaxInFlight caps concurrent requests (0 means DefaultMaxInFlight). When
	// all are busy the request waits for a free slot, but its latency still
	// counts from its intended time.
	MaxInFlight int
	Clock       Clock // nil means RealClock()
}

// withDefaults validates o and fills in its zero fields.
func (o Options) withDefaults() (Options, error) {
	if !(o.Rate > 0) || math.IsInf(o.Rate, 0) {
		return o, fmt.Errorf("rate %v: must be a positive finite number of requests per second", o.Rate)
	}
	if o.Duration < 0 {
		return o, fmt.Errorf("duration %v: must not be negative", o.Duration)
	}
	if o.Requests < 0 {
		return o, fmt.Errorf("requests %d: must not be negative", o.Requests)
	}
	if o.MaxInFlight < 0 {
		return o, fmt.Errorf("max in flight %d: must not be negative", o.MaxInFlight)
	}
	if o.MaxInFlight == 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.Clock == nil {
		o.Clock = RealClock()
	}
	if o.Duration.Seconds()*o.Rate > maxPlanned {
		return o, errors.New("rate × duration: too many requests for one run")
	}
	return o, nil
}

// maxPlanned bounds a run so that request offsets stay exact in float64.
const maxPlanned = 1 << 40

// offset is when request i is intended, relative to the run's start. It is
// computed from i each time, never by adding intervals, so no drift builds up.
func (o Options) offset(i int) time.Duration {
	f := float64(i) * float64(time.Second) / o.Rate
	if f >= math.MaxInt64 { // saturate: converting a larger float wraps negative
		return math.MaxInt64
	}
	return time.Duration(f)
}

// Planned is how many requests the run sends: Requests if set, else the
// number whose offset is below Duration.
func (o Options) Planned() int {
	if o.Requests > 0 {
		return o.Requests
	}
	// Out of range (what withDefaults rejects), there is nothing to plan.
	if !(o.Rate > 0) || math.IsInf(o.Rate, 0) || o.Duration <= 0 || o.Duration.Seconds()*o.Rate > maxPlanned {
		return 0
	}
	n := int(math.Ceil(o.Duration.Seconds() * o.Rate))
	// Float rounding can leave n one off either way; settle it on offset itself.
	for n > 0 && o.offset(n-1) >= o.Duration {
		n--
	}
	for o.offset(n) < o.Duration {
		n++
	}
	return n
}
