package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name        string
		a, b        []float64
		significant bool
		ciOK        bool
		// ratio interval checks: the CI must contain every value in contains
		// and none in excludes.
		contains, excludes []float64
		warning            string // substring of a warning, "" for none
	}{
		{
			name: "same distribution",
			a:    normal(50, 100, 10, 11),
			b:    normal(50, 100, 10, 12),
			ciOK: true, contains: []float64{1},
		},
		{
			name: "identical data",
			a:    normal(20, 100, 10, 13),
			b:    normal(20, 100, 10, 13),
			ciOK: true, contains: []float64{1},
		},
		{
			name:        "10% slower with noise, n=100",
			a:           normal(100, 110, 5, 21),
			b:           normal(100, 100, 5, 22),
			significant: true, ciOK: true,
			contains: []float64{1.10}, excludes: []float64{1.0},
		},
		{
			name:        "10% faster, n=100",
			a:           normal(100, 90, 5, 23),
			b:           normal(100, 100, 5, 24),
			significant: true, ciOK: true,
			contains: []float64{0.90}, excludes: []float64{1.0},
		},
		{
			name:    "small n",
			a:       []float64{110, 111, 112},
			b:       []float64{100, 101, 102, 103, 104, 105},
			warning: "only 3 new and 6 base samples (need 5 each): no confidence interval or significance test",
		},
		{
			// The U test still sees a clear difference; only the ratio is undefined.
			name:        "base median zero",
			a:           []float64{1, 2, 3, 4, 5},
			b:           []float64{0, 0, 0, 0, 0},
			significant: true,
			warning:     "base median is 0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Compare(tt.a, tt.b, Options{Seed: 1})
			if c.Significant != tt.significant {
				t.Errorf("Significant = %v (p=%v), want %v", c.Significant, c.P, tt.significant)
			}
			if c.RatioCI.OK != tt.ciOK {
				t.Fatalf("RatioCI = %+v, want OK=%v", c.RatioCI, tt.ciOK)
			}
			if !c.RatioCI.OK && (c.RatioCI.Lo != 0 || c.RatioCI.Hi != 0) {
				t.Errorf("not-OK interval carries numbers: %+v", c.RatioCI)
			}
			for _, v := range tt.contains {
				if v < c.RatioCI.Lo || v > c.RatioCI.Hi {
					t.Errorf("ratio CI %+v does not contain %v", c.RatioCI, v)
				}
			}
			for _, v := range tt.excludes {
				if v >= c.RatioCI.Lo && v <= c.RatioCI.Hi {
					t.Errorf("ratio CI %+v contains %v", c.RatioCI, v)
				}
			}
			if c.RatioCI.OK && !(c.RatioCI.Lo <= c.Ratio && c.Ratio <= c.RatioCI.Hi) {
				t.Errorf("ratio %v outside its CI %+v", c.Ratio, c.RatioCI)
			}
			all := strings.Join(c.Warnings, "\n")
			if tt.warning == "" && all != "" {
				t.Errorf("unexpected warnings %q", c.Warnings)
			}
			if !strings.Contains(all, tt.warning) {
				t.Errorf("warnings %q lack %q", c.Warnings, tt.warning)
			}
		})
	}
}

func TestCompareSmallN(t *testing.T) {
	c := Compare([]float64{110, 111, 112}, []float64{100, 101, 102, 103, 104, 105}, Options{})
	if !math.IsNaN(c.P) || c.Significant {
		t.Errorf("P = %v, Significant = %v; want NaN, false", c.P, c.Significant)
	}
	// The point estimate is still reported: 111/102.5.
	if !close(c.Ratio, 111/102.5, 1e-12) {
		t.Errorf("Ratio = %v, want %v", c.Ratio, 111/102.5)
	}
}

func TestCompareDeterministic(t *testing.T) {
	a, b := normal(30, 105, 8, 31), normal(30, 100, 8, 32)
	o := Options{Seed: 99, Resamples: 3000}
	first := Compare(a, b, o)
	if again := Compare(a, b, o); again.RatioCI != first.RatioCI || again.P != first.P {
		t.Errorf("same seed: %+v then %+v", first, again)
	}
	o.Seed = 100
	if other := Compare(a, b, o); other.RatioCI == first.RatioCI {
		t.Errorf("different seeds gave the same interval %+v", first.RatioCI)
	}
}

// Above LargeN the ratio's interval is computed by the delta method; it must
// agree with a bootstrap of the same data.
func TestLargeRatioCIAgreesWithBootstrap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	gen := func(n int, scale float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = math.Exp(rng.NormFloat64()*0.4) * scale
		}
		slices.Sort(xs)
		return xs
	}
	a, b := gen(LargeN+2000, 11), gen(LargeN+3000, 10)
	got := largeRatioCI(a, b, 0.95)
	o := Options{Seed: 1, Resamples: 1000}.withDefaults()
	o.Resamples = 1000
	rng2 := o.rng()
	ra, rb := newResampler(a), newResampler(b)
	est := make([]float64, o.Resamples)
	for i := range est {
		ra.draw(rng2)
		rb.draw(rng2)
		est[i] = ra.quantile(0.5) / rb.quantile(0.5)
	}
	want := percentileInterval(est, 0.95)
	width := want.Hi - want.Lo
	if math.Abs(got.Lo-want.Lo) > 0.2*width || math.Abs(got.Hi-want.Hi) > 0.2*width {
		t.Errorf("delta method [%.4f, %.4f], bootstrap [%.4f, %.4f]", got.Lo, got.Hi, want.Lo, want.Hi)
	}
}
