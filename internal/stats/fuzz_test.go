package stats

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
)

// floatsFrom turns fuzz bytes into samples. An even first byte reads raw
// float64 bits (NaN, ±Inf, subnormals, extremes); an odd one reads int16s
// scaled to hundredths, which gives realistic milliseconds with many ties.
func floatsFrom(data []byte) []float64 {
	if len(data) == 0 {
		return nil
	}
	mode, data := data[0], data[1:]
	var xs []float64
	if mode%2 == 0 {
		for ; len(data) >= 8; data = data[8:] {
			xs = append(xs, math.Float64frombits(binary.LittleEndian.Uint64(data)))
		}
		return xs
	}
	for ; len(data) >= 2; data = data[2:] {
		xs = append(xs, float64(int16(binary.LittleEndian.Uint16(data)))/100)
	}
	return xs
}

func FuzzSummarize(f *testing.F) {
	f.Add([]byte{1, 10, 0, 20, 0, 30, 0, 40, 0, 50, 0, 60, 0})
	f.Add([]byte{1, 0xff, 0x7f, 0x00, 0x80, 1, 0, 1, 0, 1, 0, 1, 0})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f}) // NaN
	f.Add(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64([]byte{0},
		math.Float64bits(math.MaxFloat64)), math.Float64bits(-math.MaxFloat64)))
	f.Fuzz(func(t *testing.T, data []byte) {
		xs := floatsFrom(data)
		orig := slices.Clone(xs)
		s := Summarize(xs, Options{Resamples: 50, Seed: uint64(len(data))})
		if !slices.EqualFunc(xs, orig, func(a, b float64) bool {
			return math.Float64bits(a) == math.Float64bits(b)
		}) {
			t.Fatal("input modified")
		}
		if s.N > len(xs) {
			t.Fatalf("N = %d for %d inputs", s.N, len(xs))
		}
		for _, i := range s.Outliers {
			if i < 0 || i >= len(xs) {
				t.Fatalf("outlier index %d out of range", i)
			}
		}
		if s.N == 0 || slices.ContainsFunc(xs, func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }) {
			return
		}
		if !(s.Min <= s.Median && s.Median <= s.Max) {
			t.Fatalf("Min %v, Median %v, Max %v", s.Min, s.Median, s.Max)
		}
		if !(s.Min <= s.Mean && s.Mean <= s.Max) {
			t.Fatalf("Min %v, Mean %v, Max %v", s.Min, s.Mean, s.Max)
		}
		if !(s.Median <= s.P90 && s.P90 <= s.P95 && s.P95 <= s.P99 && s.P99 <= s.Max) {
			t.Fatalf("percentiles out of order: %+v", s)
		}
		for _, iv := range []Interval{s.MeanCI, s.MedianCI} {
			if iv.OK && !(s.Min <= iv.Lo && iv.Lo <= iv.Hi && iv.Hi <= s.Max) {
				t.Fatalf("interval %+v outside [%v, %v]", iv, s.Min, s.Max)
			}
			if iv.OK != (s.N >= MinSamples) {
				t.Fatalf("N = %d, interval %+v", s.N, iv)
			}
		}
	})
}

func FuzzMannWhitney(f *testing.F) {
	f.Add([]byte{1, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}, 3)
	f.Add([]byte{1, 1, 0, 1, 0, 1, 0, 1, 0}, 2)
	f.Fuzz(func(t *testing.T, data []byte, split int) {
		xs := floatsFrom(data)
		if len(xs) == 0 {
			return
		}
		split = min(max(split, 0), len(xs))
		a, b := xs[:split], xs[split:]
		u, p := MannWhitney(a, b)
		na, nb := len(withoutNaN(a)), len(withoutNaN(b))
		if na == 0 || nb == 0 {
			if !math.IsNaN(p) {
				t.Fatalf("p = %v with an empty side", p)
			}
			return
		}
		if !(u >= 0 && u <= float64(na*nb)) {
			t.Fatalf("U = %v outside [0, %d]", u, na*nb)
		}
		if !(p >= 0 && p <= 1) {
			t.Fatalf("p = %v", p)
		}
		// Swapping the samples mirrors U and keeps p.
		u2, p2 := MannWhitney(b, a)
		if u+u2 != float64(na*nb) || math.Abs(p-p2) > 1e-12 {
			t.Fatalf("(%v, %v) vs swapped (%v, %v)", u, p, u2, p2)
		}
	})
}
