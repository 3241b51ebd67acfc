package cost

import (
	"math"
	"slices"
	"testing"
)

// A hand-made sweep. Latency falls with memory until the CPU stops helping;
// cost first falls (faster runs) then rises.
//
//	MB    ms   $/1M
//	128  400   1.04   slower and dearer than 512
//	256  190   1.00   as cheap as 512 but slower
//	512  120   1.00   cheapest: the cost tie with 256 goes to the lower latency
//	1024  60   1.20
//	2048  60   2.20   as fast as 1024 but dearer
//	3008  55   3.00   fastest
var sweep = []Point{
	{1024, 60, 1.20},
	{128, 400, 1.04},
	{3008, 55, 3.00},
	{256, 190, 1.00},
	{2048, 60, 2.20},
	{512, 120, 1.00},
}

func TestCheapestFastest(t *testing.T) {
	tests := []struct {
		name     string
		points   []Point
		cheapest Point
		fastest  Point
	}{
		{"sweep", sweep, Point{512, 120, 1.00}, Point{3008, 55, 3.00}},
		{"empty", nil, Point{}, Point{}},
		{"one", []Point{{128, 10, 0.5}}, Point{128, 10, 0.5}, Point{128, 10, 0.5}},
		{
			// Equal cost and latency: the lower memory wins both.
			name:     "full tie",
			points:   []Point{{1024, 50, 1}, {512, 50, 1}},
			cheapest: Point{512, 50, 1}, fastest: Point{512, 50, 1},
		},
		{
			// Equal latency: Fastest breaks the tie on cost.
			name:     "latency tie",
			points:   []Point{{512, 50, 2}, {1024, 50, 1}, {256, 80, 0.5}},
			cheapest: Point{256, 80, 0.5}, fastest: Point{1024, 50, 1},
		},
		{
			// NaN never wins, even though NaN compares below everything in cmp.Compare.
			name:     "NaN ranks last",
			points:   []Point{{128, math.NaN(), math.NaN()}, {256, 90, 2}, {512, 80, 3}},
			cheapest: Point{256, 90, 2}, fastest: Point{512, 80, 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Cheapest(tt.points); got != tt.cheapest {
				t.Errorf("Cheapest = %+v, want %+v", got, tt.cheapest)
			}
			if got := Fastest(tt.points); got != tt.fastest {
				t.Errorf("Fastest = %+v, want %+v", got, tt.fastest)
			}
		})
	}
}

func TestFrontier(t *testing.T) {
	tests := []struct {
		name   string
		points []Point
		want   []Point
	}{
		{
			// 128 is slower and dearer than 512; 256 is slower at the same cost
			// as 512; 2048 is as fast as 1024 and dearer.
			name:   "sweep",
			points: sweep,
			want:   []Point{{512, 120, 1.00}, {1024, 60, 1.20}, {3008, 55, 3.00}},
		},
		{"empty", nil, nil},
		{
			// Identical latency and cost: neither dominates, both are kept.
			name:   "exact duplicates kept",
			points: []Point{{1024, 50, 1}, {512, 50, 1}, {256, 90, 1.5}},
			want:   []Point{{512, 50, 1}, {1024, 50, 1}},
		},
		{
			name:   "NaN left out",
			points: []Point{{128, math.NaN(), 0.1}, {256, 90, 2}, {512, 80, 3}},
			want:   []Point{{256, 90, 2}, {512, 80, 3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Frontier(tt.points); !slices.Equal(got, tt.want) {
				t.Errorf("Frontier = %+v, want %+v", got, tt.want)
			}
		})
	}
}
