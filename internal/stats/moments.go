package stats

import "math"

// Mean returns the arithmetic mean of xs, NaN when xs is empty.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	m, _ := moments(xs)
	return m
}

// StdDev returns the sample standard deviation of xs (divisor n-1), 0 when
// there are fewer than two values.
func StdDev(xs []float64) float64 {
	_, sd := moments(xs)
	return sd
}

// moments returns the mean and sample standard deviation of non-empty xs.
// Values beyond ±2^500 are scaled by a power of two first (exact), so that
// finite samples near MaxFloat64 do not overflow to an infinite mean.
func moments(xs []float64) (mean, sd float64) {
	big := 0.0
	for _, x := range xs {
		big = max(big, math.Abs(x))
	}
	scale := scaleFor(big)
	n := float64(len(xs))
	sum := 0.0
	for _, x := range xs {
		sum += x / scale
	}
	m := sum / n
	if len(xs) < 2 || math.IsInf(m, 0) || math.IsNaN(m) {
		return m * scale, 0
	}
	// A second pass over the deviations corrects the rounding of the first
	// sum and gives the variance without cancellation.
	var dev, sq float64
	for _, x := range xs {
		d := x/scale - m
		dev += d
		sq += d * d
	}
	m += dev / n
	v := (sq - dev*dev/n) / (n - 1)
	return m * scale, math.Sqrt(max(v, 0)) * scale
}

// scaleFor returns a power of two that brings values up to big (in magnitude)
// below 2 when big is beyond ±2^500, and 1 otherwise. Dividing by a power of
// two is exact, so scaling costs no precision.
func scaleFor(big float64) float64 {
	if big <= 0x1p500 || math.IsInf(big, 0) || math.IsNaN(big) {
		return 1
	}
	_, e := math.Frexp(big) // big = f·2^e with f in [0.5, 1)
	return math.Ldexp(1, e-1)
}
