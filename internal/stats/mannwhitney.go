package stats

import (
	"math"
	"slices"
)

// exactMax is the largest sample size on each side for which MannWhitney
// uses the exact null distribution; C(16, 8) = 12870 orderings is cheap.
const exactMax = 8

// MannWhitney runs the two-sided Mann-Whitney U test of a against b.
//
// u is the statistic for a: the number of pairs (a[i], b[j]) with a[i] > b[j],
// ties counting one half (scipy's U1). p is exact when both samples have at
// most 8 values and there are no ties; otherwise it comes from the normal
// approximation with tie and continuity corrections. NaN values are ignored.
// p is NaN when either sample is empty, and 1 when every value is tied.
func MannWhitney(a, b []float64) (u, p float64) {
	a, b = withoutNaN(a), withoutNaN(b)
	n1, n2 := len(a), len(b)
	if n1 == 0 || n2 == 0 {
		return 0, math.NaN()
	}
	ranked, ties := rankSum(a, b)
	u = ranked - float64(n1*(n1+1))/2
	if ties == 0 && n1 <= exactMax && n2 <= exactMax {
		return u, exactP(n1, n2, u)
	}
	return u, normalP(n1, n2, u, ties)
}

// rankSum returns the sum of a's ranks in a∪b (average ranks for ties) and
// the tie term Σ(t³-t) over groups of t tied values.
func rankSum(a, b []float64) (sum, ties float64) {
	type obs struct {
		x   float64
		inA bool
	}
	all := make([]obs, 0, len(a)+len(b))
	for _, x := range a {
		all = append(all, obs{x, true})
	}
	for _, x := range b {
		all = append(all, obs{x, false})
	}
	slices.SortFunc(all, func(p, q obs) int {
		switch {
		case p.x < q.x:
			return -1
		case p.x > q.x:
			return 1
		}
		return 0
	})
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].x == all[i].x {
			j++
		}
		rank := float64(i+j+1) / 2 // mean of ranks i+1 … j
		for _, o := range all[i:j] {
			if o.inA {
				sum += rank
			}
		}
		if t := float64(j - i); t > 1 {
			ties += t*t*t - t
		}
		i = j
	}
	return sum, ties
}

// normalP is the two-sided p-value of u under the normal approximation.
func normalP(n1, n2 int, u, ties float64) float64 {
	fn1, fn2 := float64(n1), float64(n2)
	n := fn1 + fn2
	mu := fn1 * fn2 / 2
	variance := fn1 * fn2 / 12 * ((n + 1) - ties/(n*(n-1)))
	if variance <= 0 {
		return 1 // every value tied: no evidence of any difference
	}
	// The continuity correction moves |u-mu| half a step towards the centre;
	// a negative z just means p clips to 1.
	z := (math.Abs(u-mu) - 0.5) / math.Sqrt(variance)
	return min(1, math.Erfc(z/math.Sqrt2))
}

// exactP is the two-sided p-value of u from the exact distribution of U
// without ties: 2·min(P(U ≤ u), P(U ≥ u)), capped at 1.
func exactP(n1, n2 int, u float64) float64 {
	freq := uCounts(n1, n2)
	total, below, above := 0.0, 0.0, 0.0
	for k, c := range freq {
		total += c
		if float64(k) <= u {
			below += c
		}
		if float64(k) >= u {
			above += c
		}
	}
	return min(1, 2*min(below, above)/total)
}

// uCounts returns, for each U = 0…n1·n2, how many of the C(n1+n2, n1)
// equally likely orderings give it. Built by the usual recurrence on the
// largest value: if it is from a it beats all j values of b, else it adds 0.
func uCounts(n1, n2 int) []float64 {
	// f[i][j] is the distribution for sizes i and j.
	f := make([][][]float64, n1+1)
	for i := range f {
		f[i] = make([][]float64, n2+1)
		for j := range f[i] {
			d := make([]float64, i*j+1)
			switch {
			case i == 0 || j == 0:
				d[0] = 1
			default:
				for k, c := range f[i][j-1] {
					d[k] += c
				}
				for k, c := range f[i-1][j] {
					d[k+j] += c
				}
			}
			f[i][j] = d
		}
	}
	return f[n1][n2]
}

// withoutNaN returns xs, or a copy without its NaN values.
func withoutNaN(xs []float64) []float64 {
	if !slices.ContainsFunc(xs, math.IsNaN) {
		return xs
	}
	return slices.DeleteFunc(slices.Clone(xs), math.IsNaN)
}
