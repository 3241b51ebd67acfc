package stats

import (
	"math"
	"testing"
)

// Expected values are numpy.quantile(xs, q) with the default method="linear":
// h = (n-1)·q, result = s[⌊h⌋] + (h-⌊h⌋)·(s[⌊h⌋+1] - s[⌊h⌋]) on sorted s.
func TestQuantile(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		q    float64
		want float64
	}{
		{"n=1 q=0", []float64{7}, 0, 7},
		{"n=1 q=0.5", []float64{7}, 0.5, 7},
		{"n=1 q=1", []float64{7}, 1, 7},
		{"n=2 q=0", []float64{3, 1}, 0, 1},
		{"n=2 q=0.25", []float64{3, 1}, 0.25, 1.5},               // h=0.25: 1 + 0.25·2
		{"n=2 median", []float64{3, 1}, 0.5, 2},                  // h=0.5: 1 + 0.5·2
		{"n=2 q=1", []float64{3, 1}, 1, 3},                       // h=1: s[1]
		{"odd n median", []float64{5, 1, 4, 2, 3}, 0.5, 3},       // h=2: s[2]
		{"odd n q=0.1", []float64{5, 1, 4, 2, 3}, 0.1, 1.4},      // h=0.4: 1 + 0.4·1
		{"odd n q=0.9", []float64{5, 1, 4, 2, 3}, 0.9, 4.6},      // h=3.6: 4 + 0.6·1
		{"even n median", []float64{40, 10, 30, 20}, 0.5, 25},    // h=1.5: 20 + 0.5·10
		{"even n q=0.25", []float64{40, 10, 30, 20}, 0.25, 17.5}, // h=0.75: 10 + 0.75·10
		{"even n q=0.99", []float64{40, 10, 30, 20}, 0.99, 39.7}, // h=2.97: 30 + 0.97·10
		{"even n q=0", []float64{40, 10, 30, 20}, 0, 10},
		{"even n q=1", []float64{40, 10, 30, 20}, 1, 40},
		{"ties q=0.25", []float64{2, 1, 2, 3, 2}, 0.25, 2}, // s=[1 2 2 2 3], h=1: s[1]
		{"ties q=0.75", []float64{2, 1, 2, 3, 2}, 0.75, 2}, // h=3: s[3]
		{"ties q=0.9", []float64{2, 1, 2, 3, 2}, 0.9, 2.6}, // h=3.6: 2 + 0.6·1
		{"all equal", []float64{4, 4, 4}, 0.37, 4},
		{"negative", []float64{-3, -1}, 0.5, -2},
		{"infinite top", []float64{1, math.Inf(1)}, 0.5, math.Inf(1)},
		{"infinite bottom", []float64{math.Inf(-1), 1}, 0.75, math.Inf(-1)},
		{"huge spread does not overflow", []float64{-math.MaxFloat64, math.MaxFloat64}, 0.5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quantile(tt.xs, tt.q); !close(got, tt.want, 1e-12) {
				t.Errorf("Quantile(%v, %v) = %v, want %v", tt.xs, tt.q, got, tt.want)
			}
		})
	}
}

func TestQuantileNaN(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		q    float64
	}{
		{"empty", nil, 0.5},
		{"q below 0", []float64{1, 2}, -0.1},
		{"q above 1", []float64{1, 2}, 1.1},
		{"q NaN", []float64{1, 2}, math.NaN()},
		{"NaN in data", []float64{1, math.NaN(), 2}, 0.5},
		{"between both infinities", []float64{math.Inf(1), math.Inf(-1)}, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quantile(tt.xs, tt.q); !math.IsNaN(got) {
				t.Errorf("Quantile(%v, %v) = %v, want NaN", tt.xs, tt.q, got)
			}
		})
	}
}

func TestQuantileDoesNotModifyInput(t *testing.T) {
	xs := []float64{3, 1, 2}
	Quantile(xs, 0.5)
	if xs[0] != 3 || xs[1] != 1 || xs[2] != 2 {
		t.Errorf("input reordered: %v", xs)
	}
}

// close compares with a relative tolerance; equal infinities are close.
func close(got, want, tol float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}
