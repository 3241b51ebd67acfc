package compare

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/coldstartlab/coldstart/internal/stats"
)

// statValue computes a statistic of xs, with stats' quantile definition.
func statValue(xs []float64, st Stat) float64 {
	switch st {
	case StatMean:
		return stats.Mean(xs)
	case StatMin:
		return slices.Min(xs)
	case StatMax:
		return slices.Max(xs)
	}
	return stats.Quantile(xs, quantileOf(st))
}

func quantileOf(st Stat) float64 {
	switch st {
	case StatP90:
		return 0.90
	case StatP95:
		return 0.95
	case StatP99:
		return 0.99
	}
	return 0.5
}

// seedMix matches stats' derivation of PCG's second word from the seed.
const seedMix = 0x9e3779b97f4a7c15

// bootRatio bootstraps the ratio st(a)/st(b), resampling both sides
// independently: its percentile interval at o.Confidence and the two-sided
// p-value of "the ratio is 1" (twice the smaller share of resampled ratios
// on either side of 1), so p < 1−Confidence exactly when the interval
// excludes 1.
func bootRatio(a, b []float64, st Stat, o stats.Options) (stats.Interval, float64) {
	o = budgeted(o, len(a)+len(b))
	conf := o.Confidence
	if !(conf > 0 && conf < 1) {
		conf = stats.DefaultConfidence
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^seedMix))
	ra, rb := newResampler(a), newResampler(b)
	est := make([]float64, o.Resamples)
	below, above := 0, 0
	for i := range est {
		ra.draw(rng)
		rb.draw(rng)
		r := ra.stat(st) / rb.stat(st)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return stats.Interval{Warning: "ratio not finite on some resamples"}, math.NaN()
		}
		est[i] = r
		if r <= 1 {
			below++
		}
		if r >= 1 {
			above++
		}
	}
	slices.Sort(est)
	iv := stats.Interval{Lo: stats.Quantile(est, (1-conf)/2), Hi: stats.Quantile(est, 1-(1-conf)/2), OK: true}
	p := min(1, 2*float64(min(below, above)+1)/float64(len(est)+1))
	return iv, p
}

// resampler draws a bootstrap resample of sorted data as a count per order
// statistic, so a resample's quantiles are read off in O(n) without sorting.
type resampler struct {
	s      []float64
	counts []int
}

func newResampler(xs []float64) *resampler {
	s := slices.Clone(xs)
	slices.Sort(s)
	return &resampler{s: s, counts: make([]int, len(s))}
}

func (r *resampler) draw(rng *rand.Rand) {
	clear(r.counts)
	for range r.s {
		r.counts[rng.IntN(len(r.s))]++
	}
}

func (r *resampler) stat(st Stat) float64 {
	if st == StatMean {
		sum := 0.0
		for i, c := range r.counts {
			sum += float64(c) * r.s[i]
		}
		return sum / float64(len(r.s))
	}
	h := float64(len(r.s)-1) * quantileOf(st)
	k := int(h)
	lo := r.nth(k)
	if k+1 >= len(r.s) {
		return lo
	}
	return lo + (r.nth(k+1)-lo)*(h-float64(k))
}

// nth returns the k-th smallest value (0-based) of the resample.
func (r *resampler) nth(k int) float64 {
	seen := 0
	for i, c := range r.counts {
		seen += c
		if seen > k {
			return r.s[i]
		}
	}
	return r.s[len(r.s)-1]
}
