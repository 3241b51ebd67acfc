package stats

import (
	"fmt"
	"math"
	"slices"
)

// Summary describes one sample set.
type Summary struct {
	N                                     int
	Min, Mean, Median, P90, P95, P99, Max float64
	StdDev                                float64  // sample standard deviation (n-1); 0 for n<2
	MeanCI, MedianCI                      Interval // bootstrap percentile intervals
	Outliers                              []int    // indices into the input of Tukey outliers (outside Q1-1.5·IQR, Q3+1.5·IQR)
	Warnings                              []string // e.g. "only 3 samples: no confidence interval"
}

// Summarize describes xs, which may be unsorted and is not modified.
//
// NaN values are dropped with a warning (N counts the rest); Outliers still
// index the original xs. An empty input gives Summary{N: 0} and a warning.
// MeanCI and MedianCI come from the same bootstrap resamples (o.Seed), and
// MedianCI equals Bootstrap(xs, Median, o).
func Summarize(xs []float64, o Options) Summary {
	o = o.withDefaults()
	s := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			s = append(s, x)
		}
	}
	var warnings []string
	if dropped := len(xs) - len(s); dropped > 0 {
		warnings = append(warnings, fmt.Sprintf("dropped %s", plural(dropped, "NaN value")))
	}
	if len(s) == 0 {
		return Summary{Warnings: append(warnings, "no samples")}
	}
	slices.Sort(s)

	mean, sd := moments(s)
	sum := Summary{
		N:      len(s),
		Min:    s[0],
		Median: quantileSorted(s, 0.5),
		P90:    quantileSorted(s, 0.90),
		P95:    quantileSorted(s, 0.95),
		P99:    quantileSorted(s, 0.99),
		Max:    s[len(s)-1],
		// Rounding in the sum can land the mean an ulp outside [Min, Max]
		// (three 0.1s average to 0.10000000000000002); the true mean cannot.
		Mean:     clamp(mean, s[0], s[len(s)-1]),
		StdDev:   sd,
		Outliers: tukeyOutliers(xs, s),
	}
	sum.MeanCI, sum.MedianCI = meanMedianCI(s, o)
	if !sum.MedianCI.OK {
		warnings = append(warnings, sum.MedianCI.Warning)
	} else if !sum.MeanCI.OK {
		warnings = append(warnings, "mean: "+sum.MeanCI.Warning)
	}
	sum.Warnings = warnings
	return sum
}

// LargeN is the sample count above which Summarize gives textbook intervals
// instead of bootstrapping: the normal approximation for the mean and the
// order-statistic (binomial) interval for the median. At that size they
// agree with the bootstrap, and resampling a million values thousands of
// times would take minutes.
const LargeN = 5000

// meanMedianCI bootstraps the mean and the median of sorted s from one set of
// resamples, or computes them directly above LargeN.
func meanMedianCI(s []float64, o Options) (meanCI, medianCI Interval) {
	if iv, ok := tooFew(len(s)); !ok {
		return iv, iv
	}
	if len(s) > LargeN {
		return largeSampleCI(s, o.Confidence)
	}
	rng := o.rng()
	r := newResampler(s)
	means := make([]float64, o.Resamples)
	medians := make([]float64, o.Resamples)
	for i := range means {
		r.draw(rng)
		means[i] = r.mean()
		medians[i] = r.quantile(0.5)
	}
	return percentileInterval(means, o.Confidence), percentileInterval(medians, o.Confidence)
}

// clamp keeps v within [lo, hi] unless v is NaN.
func clamp(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	return min(max(v, lo), hi)
}

// largeSampleCI: mean ± z·sd/√n, and for the median the order statistics at
// n/2 ∓ z·√n/2 (the normal approximation to the binomial), so it needs no
// assumption about the distribution.
func largeSampleCI(s []float64, confidence float64) (meanCI, medianCI Interval) {
	n := float64(len(s))
	z := normalQuantile(0.5 + confidence/2)
	mean, sd := moments(s)
	half := z * sd / math.Sqrt(n)
	meanCI = Interval{Lo: mean - half, Hi: mean + half, OK: true}
	lo := int(math.Floor(n/2 - z*math.Sqrt(n)/2))
	hi := int(math.Ceil(n/2 + z*math.Sqrt(n)/2))
	medianCI = Interval{Lo: s[max(lo, 0)], Hi: s[min(hi, len(s)-1)], OK: true}
	return meanCI, medianCI
}

// normalQuantile is the standard normal's inverse CDF.
func normalQuantile(p float64) float64 { return math.Sqrt2 * math.Erfinv(2*p-1) }
