package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// normal returns n draws from N(mean, sd²) from a fixed PCG seed.
func normal(n int, mean, sd float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = mean + sd*rng.NormFloat64()
	}
	return xs
}

func TestBootstrapDeterministic(t *testing.T) {
	xs := normal(60, 100, 15, 1)
	tests := []struct {
		name string
		stat func([]float64) float64
	}{
		{"mean", Mean},
		{"median", Median},
		{"p90", func(xs []float64) float64 { return Quantile(xs, 0.9) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{Seed: 42, Resamples: 2000}
			first := Bootstrap(xs, tt.stat, o)
			if !first.OK || !(first.Lo < first.Hi) {
				t.Fatalf("interval %+v", first)
			}
			if again := Bootstrap(xs, tt.stat, o); again != first {
				t.Errorf("same seed: %+v then %+v", first, again)
			}
			shuffled := slices.Clone(xs)
			rand.New(rand.NewPCG(9, 9)).Shuffle(len(shuffled), func(i, j int) {
				shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
			})
			if got := Bootstrap(shuffled, tt.stat, o); got != first {
				t.Errorf("input order changed the interval: %+v vs %+v", got, first)
			}
			o.Seed = 43
			if other := Bootstrap(xs, tt.stat, o); other == first {
				t.Errorf("seeds 42 and 43 gave the same interval %+v", first)
			}
		})
	}
}

func TestBootstrapCoversTrueMean(t *testing.T) {
	const mu, sigma, n = 50.0, 10.0, 1000
	xs := normal(n, mu, sigma, 7)
	iv := Bootstrap(xs, Mean, Options{Seed: 1, Resamples: 4000})
	if !iv.OK || iv.Lo > mu || iv.Hi < mu {
		t.Fatalf("95%% CI of the mean %+v does not contain %v", iv, mu)
	}
	// The normal-theory width is 2·1.96·σ/√n ≈ 1.24; the bootstrap should be close.
	want := 2 * 1.96 * sigma / math.Sqrt(n)
	if w := iv.Hi - iv.Lo; math.Abs(w-want) > 0.15*want {
		t.Errorf("width %v, want about %v", w, want)
	}
	// A lower confidence level gives a narrower interval.
	iv80 := Bootstrap(xs, Mean, Options{Seed: 1, Resamples: 4000, Confidence: 0.8})
	if !(iv80.Lo > iv.Lo && iv80.Hi < iv.Hi) {
		t.Errorf("80%% CI %+v not inside 95%% CI %+v", iv80, iv)
	}
}

func TestBootstrapSmallAndDegenerate(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		stat func([]float64) float64
		want Interval
	}{
		{"no samples", nil, Mean, Interval{Warning: "only 0 samples: no confidence interval"}},
		{"four samples", []float64{1, 2, 3, 4}, Mean, Interval{Warning: "only 4 samples: no confidence interval"}},
		{"all equal", []float64{3, 3, 3, 3, 3}, Median, Interval{Lo: 3, Hi: 3, OK: true}},
		{"NaN statistic", []float64{1, 2, 3, 4, 5}, func([]float64) float64 { return math.NaN() },
			Interval{Warning: "statistic not finite on some resamples: no confidence interval"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Bootstrap(tt.xs, tt.stat, Options{Resamples: 100}); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// Summarize reads medians off counts instead of sorting each resample; both
// paths must draw the same resamples and agree exactly.
func TestSummarizeMatchesBootstrap(t *testing.T) {
	xs := normal(37, 20, 4, 3)
	o := Options{Seed: 5, Resamples: 3000}
	s := Summarize(xs, o)
	if b := Bootstrap(xs, Median, o); s.MedianCI != b {
		t.Errorf("Summarize MedianCI %+v, Bootstrap %+v", s.MedianCI, b)
	}
	b := Bootstrap(xs, Mean, o)
	if !close(s.MeanCI.Lo, b.Lo, 1e-12) || !close(s.MeanCI.Hi, b.Hi, 1e-12) {
		t.Errorf("Summarize MeanCI %+v, Bootstrap %+v", s.MeanCI, b)
	}
	if !(s.MedianCI.Lo <= s.Median && s.Median <= s.MedianCI.Hi) {
		t.Errorf("median %v outside its CI %+v", s.Median, s.MedianCI)
	}
}
