package stats

import (
	"fmt"
	"testing"
)

// Summarize and Compare run 10,000 resamples by default; these show what that
// costs for phase sizes from a cold-start run to a load test.
func BenchmarkSummarize(b *testing.B) {
	for _, n := range []int{10, 1000, 100000} {
		xs := normal(n, 100, 10, 1)
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			for b.Loop() {
				Summarize(xs, Options{})
			}
		})
	}
}

func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{10, 1000} {
		x, y := normal(n, 100, 10, 1), normal(n, 105, 10, 2)
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			for b.Loop() {
				Compare(x, y, Options{})
			}
		})
	}
}
