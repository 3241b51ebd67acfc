package stats

// tukeyOutliers returns the indices into xs of values outside
// [Q1-1.5·IQR, Q3+1.5·IQR], with Q1 and Q3 from the sorted copy s of xs.
// Indices refer to xs in input order so callers can point at the exact
// invocation (a cold start hiding in a warm phase, say).
func tukeyOutliers(xs, s []float64) []int {
	if len(s) == 0 {
		return nil
	}
	q1, q3 := quantileSorted(s, 0.25), quantileSorted(s, 0.75)
	iqr := q3 - q1
	lo, hi := q1-1.5*iqr, q3+1.5*iqr
	var out []int
	for i, x := range xs {
		if x < lo || x > hi {
			out = append(out, i)
		}
	}
	return out
}
