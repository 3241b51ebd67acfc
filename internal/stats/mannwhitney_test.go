package stats

import (
	"math"
	"testing"
)

func TestMannWhitney(t *testing.T) {
	tests := []struct {
		name string
		a, b []float64
		u, p float64
	}{
		{
			// Ties, so the normal approximation. Pooled ranks: 1→1, 2→2, 3,3→3.5,
			// 4,4→5.5, 5,5→7.5, 6→9, 7→10. R_a = 1+2+3.5+5.5+7.5 = 19.5,
			// U = 19.5 - 5·6/2 = 4.5 (pairs a>b: 3, ties: 3·½). μ = 25/2 = 12.5.
			// Tie term Σ(t³-t) = 3·6 = 18; σ² = 25/12·(11 - 18/90) = 22.5, σ = 4.74342.
			// z = (|4.5-12.5| - 0.5)/σ = 1.58114; p = 2·(1-Φ(z)) = 0.113846.
			name: "ties, normal approximation",
			a:    []float64{1, 2, 3, 4, 5},
			b:    []float64{3, 4, 5, 6, 7},
			u:    4.5, p: 0.11384629800665812,
		},
		{
			// n = 9 each, no ties, too big for the exact path. U = 0, μ = 40.5,
			// σ² = 81·19/12 = 128.25, σ = 11.32475; z = (40.5-0.5)/σ = 3.53209;
			// p = 2·(1-Φ(z)) = 0.000412295.
			name: "separated, normal approximation",
			a:    seq(1, 9),
			b:    seq(10, 18),
			u:    0, p: 0.0004122948020616911,
		},
		{
			// Exact: U = 0 is the one ordering of C(6,3) = 20 with every a below
			// every b, so p = 2·1/20.
			name: "exact, fully separated",
			a:    []float64{1, 2, 3},
			b:    []float64{4, 5, 6},
			u:    0, p: 0.1,
		},
		{
			// Exact, the other direction: U = 9 = n1·n2.
			name: "exact, a above b",
			a:    []float64{14, 15, 16},
			b:    []float64{4, 5, 6},
			u:    9, p: 0.1,
		},
		{
			// Exact: a = {1,4}, b = {2,3}: U = 2 (4 beats 2 and 3). The 6
			// orderings give U = 0,1,2,2,3,4, so P(U≤2) = 4/6, P(U≥2) = 4/6,
			// p = min(1, 2·4/6) = 1.
			name: "exact, centred",
			a:    []float64{1, 4},
			b:    []float64{2, 3},
			u:    2, p: 1,
		},
		{
			// Exact, n = 5 each: a = 1..5 below b = 6..10, U = 0, C(10,5) = 252,
			// p = 2/252.
			name: "exact, n=5",
			a:    seq(1, 5),
			b:    seq(6, 10),
			u:    0, p: 2.0 / 252,
		},
		{
			// Identical sets: U = n1·n2/2 = μ, so p = 1.
			name: "identical sets",
			a:    []float64{1, 2, 2, 3, 5, 8},
			b:    []float64{1, 2, 2, 3, 5, 8},
			u:    18, p: 1,
		},
		{
			// Every value tied: the variance is 0, there is no evidence at all.
			name: "all tied",
			a:    []float64{4, 4, 4},
			b:    []float64{4, 4},
			u:    3, p: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, p := MannWhitney(tt.a, tt.b)
			if u != tt.u || !close(p, tt.p, 1e-9) {
				t.Errorf("MannWhitney = (%v, %v), want (%v, %v)", u, p, tt.u, tt.p)
			}
		})
	}
}

func TestMannWhitneyEmpty(t *testing.T) {
	if u, p := MannWhitney(nil, []float64{1, 2}); u != 0 || !math.IsNaN(p) {
		t.Errorf("MannWhitney(empty) = (%v, %v), want (0, NaN)", u, p)
	}
}

// The exact distribution must be a distribution: C(n1+n2, n1) orderings,
// symmetric around n1·n2/2.
func TestUCounts(t *testing.T) {
	tests := []struct {
		name   string
		n1, n2 int
		total  float64
	}{
		{"1x1", 1, 1, 2},
		{"3x3", 3, 3, 20},
		{"2x5", 2, 5, 21},
		{"8x8", 8, 8, 12870},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := uCounts(tt.n1, tt.n2)
			sum := 0.0
			for k, c := range f {
				sum += c
				if c != f[len(f)-1-k] {
					t.Errorf("not symmetric at U=%d: %v vs %v", k, c, f[len(f)-1-k])
				}
			}
			if len(f) != tt.n1*tt.n2+1 || sum != tt.total {
				t.Errorf("len %d, total %v; want %d, %v", len(f), sum, tt.n1*tt.n2+1, tt.total)
			}
		})
	}
}
