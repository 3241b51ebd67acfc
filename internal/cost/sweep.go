package cost

import (
	"cmp"
	"math"
	"slices"
)

// Point is one memory size of a sweep.
type Point struct {
	MemoryMB  int
	LatencyMS float64
	CostPer1M float64
}

// Cheapest returns the point with the lowest cost; ties go to lower latency,
// then lower memory. NaN costs or latencies rank last; an empty sweep gives
// the zero Point.
func Cheapest(points []Point) Point {
	return best(points, func(p, q Point) int {
		return cmp.Or(cmpNaNLast(p.CostPer1M, q.CostPer1M), cmpNaNLast(p.LatencyMS, q.LatencyMS), cmp.Compare(p.MemoryMB, q.MemoryMB))
	})
}

// Fastest returns the point with the lowest latency; ties go to lower cost,
// then lower memory. NaN costs or latencies rank last; an empty sweep gives
// the zero Point.
func Fastest(points []Point) Point {
	return best(points, func(p, q Point) int {
		return cmp.Or(cmpNaNLast(p.LatencyMS, q.LatencyMS), cmpNaNLast(p.CostPer1M, q.CostPer1M), cmp.Compare(p.MemoryMB, q.MemoryMB))
	})
}

// Frontier returns the Pareto-optimal points, sorted by memory: those for
// which no other point is at least as fast and as cheap and strictly better
// in one of the two. Points with equal latency and cost are all kept, being
// equally good choices. Points with a NaN latency or cost cannot be ranked and
// are left out.
func Frontier(points []Point) []Point {
	var out []Point
	for _, p := range points {
		if math.IsNaN(p.LatencyMS) || math.IsNaN(p.CostPer1M) {
			continue
		}
		if !slices.ContainsFunc(points, func(q Point) bool { return dominates(q, p) }) {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(p, q Point) int {
		return cmp.Or(cmp.Compare(p.MemoryMB, q.MemoryMB), cmp.Compare(p.LatencyMS, q.LatencyMS), cmp.Compare(p.CostPer1M, q.CostPer1M))
	})
	return out
}

// dominates reports whether q is no slower and no dearer than p and strictly
// better in one. NaN compares false, so a NaN point dominates nothing.
func dominates(q, p Point) bool {
	return q.LatencyMS <= p.LatencyMS && q.CostPer1M <= p.CostPer1M &&
		(q.LatencyMS < p.LatencyMS || q.CostPer1M < p.CostPer1M)
}

// best returns the minimum of points under order, or the zero Point.
func best(points []Point, order func(p, q Point) int) Point {
	if len(points) == 0 {
		return Point{}
	}
	return slices.MinFunc(points, order)
}

// cmpNaNLast orders floats ascending with NaN after everything, unlike
// cmp.Compare, which would make a NaN cost the cheapest.
func cmpNaNLast(a, b float64) int {
	switch an, bn := math.IsNaN(a), math.IsNaN(b); {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(a, b)
}
