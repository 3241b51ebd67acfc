package stats

import (
	"math"
	"math/rand/v2"
)

// resampler draws bootstrap resamples of a sorted sample as a count per order
// statistic. Because the data are sorted, a resample's quantiles can be read
// off the counts in O(n) without building and sorting the resample, so each
// resample costs n random draws and two linear passes. It draws
// the same indices, in the same order, as Bootstrap does, so both give
// identical intervals for the median from the same seed.
type resampler struct {
	s      []float64 // sorted, NaN-free
	counts []int32
	scale  float64 // power of two that keeps the mean's sum finite
}

func newResampler(sorted []float64) *resampler {
	big := max(math.Abs(sorted[0]), math.Abs(sorted[len(sorted)-1]))
	return &resampler{s: sorted, counts: make([]int32, len(sorted)), scale: scaleFor(big)}
}

// draw replaces the current resample with a new one.
func (r *resampler) draw(rng *rand.Rand) {
	clear(r.counts)
	n := len(r.s)
	for range n {
		r.counts[rng.IntN(n)]++
	}
}

// mean of the current resample. It is clamped to the data's range for the
// same reason as Summary.Mean, which also keeps the interval of all-equal data
// exactly [x, x].
func (r *resampler) mean() float64 {
	inv := 1 / r.scale // exact: scale is a power of two
	sum := 0.0
	for i, c := range r.counts {
		// No test for c == 0: a third of the counts are zero, at random, and
		// the mispredicted branch costs more than the multiply.
		sum += float64(c) * (r.s[i] * inv)
	}
	mean := sum / float64(len(r.s)) * r.scale
	return clamp(mean, r.s[0], r.s[len(r.s)-1])
}

// quantile of the current resample, with Quantile's interpolation.
func (r *resampler) quantile(q float64) float64 {
	h := float64(len(r.s)-1) * q
	k := int(h)
	a := r.nth(k)
	if k+1 >= len(r.s) {
		return a
	}
	return lerp(a, r.nth(k+1), h-float64(k))
}

// nth returns the k-th smallest value (0-based) of the current resample.
func (r *resampler) nth(k int) float64 {
	seen := 0
	for i, c := range r.counts {
		seen += int(c)
		if seen > k {
			return r.s[i]
		}
	}
	return r.s[len(r.s)-1]
}
