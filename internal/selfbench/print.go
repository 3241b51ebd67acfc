package selfbench

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Print writes the result as a table, each figure beside its floor.
func (r *Result) Print(w io.Writer) {
	freeze := "freeze on"
	if !r.Freeze {
		freeze = "freeze off"
	}
	fmt.Fprintf(w, "coldstart selfbench · %s · %d CPU · %s · kernel %s · sandbox %s, %s\n\n",
		r.Machine.CPU, r.Machine.CPUs, r.Machine.Go, r.Machine.Kernel, r.Sandbox, freeze)
	fmt.Fprintf(w, "%-55s %6s %10s %10s %10s  %s\n", "", "n", "p50", "p99", "mean", "vs floor")
	floorWarm, floorCold := r.Get(FloorWarm), r.Get(FloorCold)
	for _, f := range r.Figures {
		var vs string
		switch f.Name {
		case WarmHTTP, WarmSDK:
			vs = fmt.Sprintf("p50 %.2f×, p99 %.2f×", ratio(f.P50, floorWarm.P50), ratio(f.P99, floorWarm.P99))
		case ColdClient:
			vs = fmt.Sprintf("p50 +%s over bare exec", short(f.P50-floorCold.P50))
		}
		fmt.Fprintf(w, "%-55s %6d %10s %10s %10s  %s\n", f.Name, f.N, short(f.P50), short(f.P99), short(f.Mean), vs)
	}
}

// JSON writes the result as indented JSON.
func (r *Result) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// short prints a duration in µs below a millisecond, else in ms.
func short(d time.Duration) string {
	if d < time.Millisecond && d > -time.Millisecond {
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	}
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}
