package stats

import (
	"math"
	"slices"
)

// Quantile returns the q-quantile of xs (q in [0,1]) by linear interpolation
// between order statistics: R's type 7, numpy's default "linear" method.
// xs need not be sorted and is not modified. Interpolating towards an
// infinity gives that infinity. Quantile never panics: it returns
// NaN when xs is empty, when xs contains NaN (as numpy does), or when q is
// outside [0,1].
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 || !(q >= 0 && q <= 1) || slices.ContainsFunc(xs, math.IsNaN) {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return quantileSorted(s, q)
}

// Median returns the 0.5-quantile of xs (see Quantile).
func Median(xs []float64) float64 { return Quantile(xs, 0.5) }

// quantileSorted is Quantile for sorted, NaN-free, non-empty s and q in [0,1].
func quantileSorted(s []float64, q float64) float64 {
	h := float64(len(s)-1) * q
	lo := int(h)
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	return lerp(s[lo], s[lo+1], h-float64(lo))
}

// lerp interpolates between a <= b. It follows numpy's two-sided formula for
// accuracy, falls back to a form that cannot overflow when b-a does, and clamps
// so that rounding can never push a quantile outside [a, b].
func lerp(a, b, t float64) float64 {
	if t == 0 || a == b {
		return a
	}
	// Between a finite value and an infinity every point is that infinity
	// (numpy's formula gives NaN when b is +Inf and t >= 0.5).
	switch {
	case math.IsInf(a, -1) && math.IsInf(b, 1):
		return math.NaN()
	case math.IsInf(a, -1):
		return a
	case math.IsInf(b, 1):
		return b
	}
	d := b - a
	var v float64
	switch {
	case math.IsInf(d, 0):
		v = a*(1-t) + b*t
	case t < 0.5:
		v = a + d*t
	default:
		v = b - d*(1-t)
	}
	return min(max(v, a), b)
}
