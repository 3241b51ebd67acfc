package stats

import (
	"fmt"
	"math"
	"slices"
)

// Interval is a confidence interval; OK is false when there are too few samples to give one honestly
// (then Lo/Hi are 0 and Warning says why).
type Interval struct {
	Lo, Hi  float64
	OK      bool
	Warning string
}

// Bootstrap returns the percentile bootstrap interval of statistic over xs at
// o.Confidence, from o.Resamples resamples drawn with replacement.
//
// It resamples from a sorted copy of xs, so the interval depends only on the
// values and the seed, not on their order; statistic receives a scratch slice
// it may reorder. With fewer than MinSamples values, or when the statistic is
// not finite on some resample, the interval is not OK.
func Bootstrap(xs []float64, statistic func([]float64) float64, o Options) Interval {
	if iv, ok := tooFew(len(xs)); !ok {
		return iv
	}
	o = o.withDefaults()
	s := slices.Clone(xs)
	slices.Sort(s)
	rng := o.rng()
	buf := make([]float64, len(s))
	est := make([]float64, o.Resamples)
	for r := range est {
		for i := range buf {
			buf[i] = s[rng.IntN(len(s))]
		}
		est[r] = statistic(buf)
	}
	return percentileInterval(est, o.Confidence)
}

// tooFew reports (as a not-OK Interval) when n is below MinSamples.
func tooFew(n int) (Interval, bool) {
	if n >= MinSamples {
		return Interval{}, true
	}
	return Interval{Warning: fmt.Sprintf("only %s: no confidence interval", plural(n, "sample"))}, false
}

// percentileInterval turns bootstrap estimates into the central interval
// holding conf of them. est is reordered.
func percentileInterval(est []float64, conf float64) Interval {
	for _, e := range est {
		if math.IsNaN(e) || math.IsInf(e, 0) {
			return Interval{Warning: "statistic not finite on some resamples: no confidence interval"}
		}
	}
	slices.Sort(est)
	alpha := 1 - conf
	return Interval{
		Lo: quantileSorted(est, alpha/2),
		Hi: quantileSorted(est, 1-alpha/2),
		OK: true,
	}
}

// plural formats "1 sample", "3 samples".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
