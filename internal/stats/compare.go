package stats

import (
	"fmt"
	"math"
	"slices"
)

// Comparison of two sample sets, a "new" vs a "base".
type Comparison struct {
	Ratio       float64  // median(a)/median(b)
	RatioCI     Interval // bootstrap (resample a and b independently) percentile interval of the ratio of medians
	P           float64  // two-sided Mann-Whitney U test p-value; NaN with fewer than MinSamples on a side
	Significant bool     // P < 1-Confidence
	Warnings    []string
}

// Compare compares a ("new") with b ("base"): the ratio of their medians with
// a bootstrap interval, and a Mann-Whitney U test (see MannWhitney).
//
// With fewer than MinSamples values on either side there is no interval and
// no test (P is NaN, Significant false), only a warning: a "significant" result
// from three runs is the kind of number benchstat refuses to print. NaN values
// are dropped with a warning.
func Compare(a, b []float64, o Options) Comparison {
	o = o.withDefaults()
	var c Comparison
	a, b = c.clean(a, "new"), c.clean(b, "base")
	slices.Sort(a)
	slices.Sort(b)

	c.Ratio, c.P = math.NaN(), math.NaN()
	if len(a) > 0 && len(b) > 0 {
		c.Ratio = quantileSorted(a, 0.5) / quantileSorted(b, 0.5)
		if math.IsNaN(c.Ratio) || math.IsInf(c.Ratio, 0) {
			c.warn("base median is 0: ratio undefined")
		}
	}
	if len(a) < MinSamples || len(b) < MinSamples {
		msg := fmt.Sprintf("only %d new and %d base samples (need %d each): no confidence interval or significance test",
			len(a), len(b), MinSamples)
		c.RatioCI = Interval{Warning: msg}
		c.warn(msg)
		return c
	}
	c.RatioCI = ratioCI(a, b, o)
	if !c.RatioCI.OK {
		c.warn("ratio: " + c.RatioCI.Warning)
	}
	_, c.P = MannWhitney(a, b)
	c.Significant = c.P < 1-o.Confidence
	return c
}

// ResampleBudget bounds a bootstrap's work (values drawn in all), so that a
// comparison of long load runs stays fast: past it, fewer resamples are
// drawn (never fewer than 200).
const ResampleBudget = 20_000_000

// ratioCI is the interval of median(a)/median(b) over sorted a and b: by the
// delta method when both sides exceed LargeN, else by bootstrap, resampling
// each side independently from one seeded stream.
func ratioCI(a, b []float64, o Options) Interval {
	if len(a) > LargeN && len(b) > LargeN {
		return largeRatioCI(a, b, o.Confidence)
	}
	o.Resamples = min(o.Resamples, max(200, ResampleBudget/(len(a)+len(b))))
	rng := o.rng()
	ra, rb := newResampler(a), newResampler(b)
	est := make([]float64, o.Resamples)
	for i := range est {
		ra.draw(rng)
		rb.draw(rng)
		est[i] = ra.quantile(0.5) / rb.quantile(0.5)
	}
	return percentileInterval(est, o.Confidence)
}

// clean returns a copy of xs without NaN values, warning about any dropped.
func (c *Comparison) clean(xs []float64, side string) []float64 {
	out := slices.DeleteFunc(slices.Clone(xs), math.IsNaN)
	if d := len(xs) - len(out); d > 0 {
		c.warn(fmt.Sprintf("%s: dropped %s", side, plural(d, "NaN value")))
	}
	return out
}

func (c *Comparison) warn(msg string) { c.Warnings = append(c.Warnings, msg) }

// largeRatioCI: exp(ln r ± z·se), where se combines each median's relative
// standard error, read off its order-statistic interval. Valid when both
// samples are large; no distributional assumption beyond that.
func largeRatioCI(a, b []float64, confidence float64) Interval {
	z := normalQuantile(0.5 + confidence/2)
	relSE := func(s []float64) float64 {
		_, ci := largeSampleCI(s, confidence)
		return (ci.Hi - ci.Lo) / (2 * z) / quantileSorted(s, 0.5)
	}
	r := quantileSorted(a, 0.5) / quantileSorted(b, 0.5)
	se := math.Hypot(relSE(a), relSE(b))
	if math.IsNaN(r) || math.IsInf(r, 0) || math.IsNaN(se) || math.IsInf(se, 0) {
		return Interval{Warning: "ratio: no interval (a median is 0)"}
	}
	return Interval{Lo: r * math.Exp(-z*se), Hi: r * math.Exp(z*se), OK: true}
}
