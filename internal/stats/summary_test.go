package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want Summary // CIs, outliers and warnings are checked elsewhere
	}{
		{
			// mean 40/8 = 5; Σ(x-5)² = 9+1+1+1+0+0+4+16 = 32, sd = √(32/7);
			// median h=3.5: 4 + 0.5·1; P90 h=6.3: 7 + 0.3·2; P95 h=6.65: 7 + 0.65·2;
			// P99 h=6.93: 7 + 0.93·2.
			name: "eight values",
			xs:   []float64{9, 2, 4, 5, 4, 7, 4, 5},
			want: Summary{N: 8, Min: 2, Mean: 5, Median: 4.5, P90: 7.6, P95: 8.3, P99: 8.86, Max: 9, StdDev: math.Sqrt(32.0 / 7)},
		},
		{
			// mean 2, Σ(x-2)² = 2, sd = √(2/2) = 1.
			name: "three values",
			xs:   []float64{3, 1, 2},
			want: Summary{N: 3, Min: 1, Mean: 2, Median: 2, P90: 2.8, P95: 2.9, P99: 2.98, Max: 3, StdDev: 1},
		},
		{
			name: "one value has no spread",
			xs:   []float64{12.5},
			want: Summary{N: 1, Min: 12.5, Mean: 12.5, Median: 12.5, P90: 12.5, P95: 12.5, P99: 12.5, Max: 12.5},
		},
		{
			name: "NaN is dropped",
			xs:   []float64{1, math.NaN(), 3},
			want: Summary{N: 2, Min: 1, Mean: 2, Median: 2, P90: 2.8, P95: 2.9, P99: 2.98, Max: 3, StdDev: math.Sqrt2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.xs, Options{Resamples: 100})
			w := tt.want
			if got.N != w.N {
				t.Fatalf("N = %d, want %d", got.N, w.N)
			}
			for _, f := range []struct {
				field     string
				got, want float64
			}{
				{"Min", got.Min, w.Min}, {"Mean", got.Mean, w.Mean}, {"Median", got.Median, w.Median},
				{"P90", got.P90, w.P90}, {"P95", got.P95, w.P95}, {"P99", got.P99, w.P99},
				{"Max", got.Max, w.Max}, {"StdDev", got.StdDev, w.StdDev},
			} {
				if !close(f.got, f.want, 1e-12) {
					t.Errorf("%s = %v, want %v", f.field, f.got, f.want)
				}
			}
		})
	}
}

func TestSummarizeWarnings(t *testing.T) {
	tests := []struct {
		name   string
		xs     []float64
		n      int
		ciOK   bool
		warned []string // substrings that must appear among the warnings
	}{
		{"empty", nil, 0, false, []string{"no samples"}},
		{"only NaN", []float64{math.NaN()}, 0, false, []string{"dropped 1 NaN value", "no samples"}},
		{"one sample", []float64{1}, 1, false, []string{"only 1 sample: no confidence interval"}},
		{"three samples", []float64{1, 2, 3}, 3, false, []string{"only 3 samples: no confidence interval"}},
		{"four samples", []float64{1, 2, 3, 4}, 4, false, []string{"only 4 samples"}},
		{"five samples", []float64{1, 2, 3, 4, 5}, 5, true, nil},
		// One +Inf in twenty: most resamples have an infinite mean, but
		// practically none an infinite median.
		{"infinite value", append(seq(1, 19), math.Inf(1)), 20, true, []string{"mean: statistic not finite"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.xs, Options{Resamples: 200})
			if got.N != tt.n {
				t.Errorf("N = %d, want %d", got.N, tt.n)
			}
			if got.MedianCI.OK != tt.ciOK {
				t.Errorf("MedianCI.OK = %v, want %v (%+v)", got.MedianCI.OK, tt.ciOK, got.MedianCI)
			}
			if !got.MedianCI.OK && (got.MedianCI.Lo != 0 || got.MedianCI.Hi != 0) {
				t.Errorf("not-OK interval carries numbers: %+v", got.MedianCI)
			}
			all := strings.Join(got.Warnings, "\n")
			for _, w := range tt.warned {
				if !strings.Contains(all, w) {
					t.Errorf("warnings %q lack %q", got.Warnings, w)
				}
			}
			if tt.warned == nil && len(got.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", got.Warnings)
			}
		})
	}
}

func TestSummarizeAllEqual(t *testing.T) {
	xs := []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1}
	got := Summarize(xs, Options{})
	want := Interval{Lo: 0.1, Hi: 0.1, OK: true}
	if got.MeanCI != want || got.MedianCI != want {
		t.Errorf("MeanCI = %+v, MedianCI = %+v, want both %+v", got.MeanCI, got.MedianCI, want)
	}
	if got.Mean != 0.1 || got.StdDev != 0 || got.Outliers != nil {
		t.Errorf("Mean = %v, StdDev = %v, Outliers = %v", got.Mean, got.StdDev, got.Outliers)
	}
}

func TestSummarizeDoesNotModifyInput(t *testing.T) {
	xs := []float64{5, 3, 9, 1, 7, 2}
	orig := slices.Clone(xs)
	Summarize(xs, Options{Resamples: 50})
	if !slices.Equal(xs, orig) {
		t.Errorf("input changed: %v, was %v", xs, orig)
	}
}

func TestOutliers(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want []int
	}{
		{
			// sorted: -40 10 11 11 12 12 13 100. Q1 h=1.75: 10 + 0.75·1 = 10.75;
			// Q3 h=5.25: 12 + 0.25·1 = 12.25; IQR 1.5; fences 8.5 and 14.5.
			name: "one high one low",
			xs:   []float64{10, 12, 11, 13, 12, 100, 11, -40},
			want: []int{5, 7},
		},
		{
			// sorted 1..8: Q1 h=1.75: 2.75, Q3 h=5.25: 6.25, IQR 3.5; fences -2.5 and 11.5.
			name: "none",
			xs:   []float64{1, 2, 3, 4, 5, 6, 7, 8},
			want: nil,
		},
		{
			// sorted 0 0 0 1 1 1 1 2.5: Q1 h=1.75: 0, Q3 h=5.25: 1, IQR 1; fences -1.5
			// and 2.5: a value exactly on the fence is not outside it.
			name: "on the fence is not an outlier",
			xs:   []float64{0, 1, 0, 1, 2.5, 0, 1, 1},
			want: nil,
		},
		{
			// A cold start in a warm phase: sorted 10 10 10 10 10 11 11 900,
			// Q1 h=1.75: 10, Q3 h=5.25: 11, fences 8.5 and 12.5.
			name: "cold start among warm",
			xs:   []float64{900, 10, 11, 10, 10, 11, 10, 10},
			want: []int{0},
		},
		{
			// NaN is dropped before the quartiles and never flagged, yet indices
			// still count it: sorted 1 … 8 30, Q1 h=2: 3, Q3 h=6: 7, fences -3 and 13.
			name: "indices count dropped NaN",
			xs:   []float64{1, math.NaN(), 2, 3, 4, 5, 6, 7, 8, 30},
			want: []int{9},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.xs, Options{Resamples: 10}).Outliers
			if !slices.Equal(got, tt.want) {
				t.Errorf("Outliers = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMeanStdDev(t *testing.T) {
	tests := []struct {
		name     string
		xs       []float64
		mean, sd float64
	}{
		{"pair", []float64{1, 3}, 2, math.Sqrt2},                // Σ(x-2)² = 2, /1
		{"four", []float64{2, 4, 6, 8}, 5, math.Sqrt(20.0 / 3)}, // 9+1+1+9 = 20
		{"single", []float64{4}, 4, 0},
		{"near MaxFloat64 stays finite", []float64{math.MaxFloat64, math.MaxFloat64}, math.MaxFloat64, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mean(tt.xs); !close(got, tt.mean, 1e-12) {
				t.Errorf("Mean = %v, want %v", got, tt.mean)
			}
			if got := StdDev(tt.xs); !close(got, tt.sd, 1e-12) {
				t.Errorf("StdDev = %v, want %v", got, tt.sd)
			}
		})
	}
	if !math.IsNaN(Mean(nil)) {
		t.Error("Mean(nil) is not NaN")
	}
}

// seq returns lo, lo+1, …, hi.
func seq(lo, hi int) []float64 {
	var xs []float64
	for i := lo; i <= hi; i++ {
		xs = append(xs, float64(i))
	}
	return xs
}

// Above LargeN the intervals are computed, not bootstrapped: they must agree
// with the bootstrap of the same data to within a few percent of their width.
func TestLargeSampleIntervalsAgreeWithBootstrap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	xs := make([]float64, LargeN+1000)
	for i := range xs {
		xs[i] = math.Exp(rng.NormFloat64()*0.5) * 10 // log-normal, like latencies
	}
	big := Summarize(xs, Options{Seed: 1})
	mean := Bootstrap(xs, Mean, Options{Seed: 1, Resamples: 2000})
	median := Bootstrap(xs, Median, Options{Seed: 1, Resamples: 2000})
	for _, c := range []struct {
		name      string
		got, want Interval
	}{{"mean", big.MeanCI, mean}, {"median", big.MedianCI, median}} {
		width := c.want.Hi - c.want.Lo
		if math.Abs(c.got.Lo-c.want.Lo) > 0.15*width || math.Abs(c.got.Hi-c.want.Hi) > 0.15*width {
			t.Errorf("%s: computed [%.4f, %.4f], bootstrap [%.4f, %.4f]", c.name, c.got.Lo, c.got.Hi, c.want.Lo, c.want.Hi)
		}
	}
}
