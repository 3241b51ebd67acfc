package selfbench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Print writes the result as a table, each figure beside its floor, then
// the burst, the open-loop run and the targets.
func (r *Result) Print(w io.Writer) {
	freeze := "freeze on"
	if !r.Freeze {
		freeze = "freeze off"
	}
	fmt.Fprintf(w, "coldstart selfbench · %s · %d CPU · %s · kernel %s · sandbox %s, %s\n\n",
		r.Machine.CPU, r.Machine.CPUs, r.Machine.Go, r.Machine.Kernel, r.Sandbox, freeze)
	fmt.Fprintf(w, "%-55s %6s %10s %10s %10s %10s %9s %10s  %s\n", "", "n", "p50", "p99", "p99.9", "mean", "per s", "CPU/call", "vs floor")
	floorWarm, floorCold, floorColdInvoke := r.Get(FloorWarm), r.Get(FloorCold), r.Get(FloorColdInvoke)
	for _, f := range r.Figures {
		var vs string
		switch {
		case f.Name == WarmHTTP:
			vs = fmt.Sprintf("p50 %.2f×, p99 %.2f×, throughput %.2f×, CPU %.2f×", ratio(f.P50, floorWarm.P50), ratio(f.P99, floorWarm.P99),
				f.PerSec/max(floorWarm.PerSec, 1e-9), ratio(f.CPUPerCall(), floorWarm.CPUPerCall()))
		case f.Name == WarmSDK:
			vs = fmt.Sprintf("p50 %.2f×, p99 %.2f×", ratio(f.P50, floorWarm.P50), ratio(f.P99, floorWarm.P99))
		case f.Concurrency > 0 && strings.HasPrefix(f.Name, "warm"):
			fl := r.Get(fmt.Sprintf(floorAt, f.Concurrency))
			vs = fmt.Sprintf("p50 %.2f×, p99 %.2f×, throughput %.2f× (floor at %d)",
				ratio(f.P50, fl.P50), ratio(f.P99, fl.P99), f.PerSec/max(fl.PerSec, 1e-9), f.Concurrency)
		case f.Name == ColdClient:
			vs = fmt.Sprintf("p50 +%s over bare exec answering one event", short(f.P50-floorColdInvoke.P50))
		case f.Name == ColdInit:
			vs = fmt.Sprintf("p50 +%s over bare exec", short(f.P50-floorCold.P50))
		}
		p999, perSec, cpu := "", "", ""
		if f.P999 > 0 {
			p999 = short(f.P999)
		}
		if f.PerSec > 0 {
			perSec = fmt.Sprintf("%.0f", f.PerSec)
		}
		if len(f.CPU) > 0 {
			cpu = short(f.CPUPerCall())
		}
		fmt.Fprintf(w, "%-55s %6d %10s %10s %10s %10s %9s %10s  %s\n", f.Name, f.N, short(f.P50), short(f.P99), p999, short(f.Mean), perSec, cpu, vs)
	}
	r.printCPU(w)
	if b := r.Burst; b != nil {
		fmt.Fprintf(w, "\nBurst: %d concurrent invokes, first invoke of each environment held %s\n", b.N, short(b.FirstDelay))
		fmt.Fprintf(w, "  all done in      %s (%.2f× the held time)   errors %d   environments %d\n",
			short(b.Wall), ratio(b.Wall, b.FirstDelay), b.Errors, b.Environments)
		if b.FirstError != "" {
			fmt.Fprintf(w, "  first error      %s\n", b.FirstError)
		}
		fmt.Fprintf(w, "  platform RSS     %s after the burst; grew %s = %s per environment\n",
			mb(b.PlatformRSS), mb(b.PlatformGrowth), kb(b.PlatformPerEnvironment()))
		fmt.Fprintf(w, "  runtime RSS      %s over %d runtime processes = %s per idle environment\n",
			mb(b.RuntimeRSS), b.Runtimes, mb(b.PerEnvironment()))
		fmt.Fprintf(w, "  teardown         %s to retire every environment\n", short(b.Teardown))
	}
	for _, o := range []*OpenLoop{r.OpenLoopFloor, r.OpenLoop} {
		if o == nil {
			continue
		}
		fmt.Fprintf(w, "\nOpen loop against the %s: %.0f rps for %s, at most %d in flight, %d sent, %d errors\n",
			o.Target, o.Rate, o.Duration, o.InFlight, o.Sent, o.Errors)
		fmt.Fprintf(w, "  send-time error  p50 %s  p99 %s  p99.9 %s  max %s\n", short(o.SendP50), short(o.SendP99), short(o.SendP999), short(o.SendMax))
		fmt.Fprintf(w, "  latency          p50 %s  p99 %s   (from intended send)\n", short(o.LatencyP50), short(o.LatencyP99))
	}
	if len(r.Targets) > 0 {
		fmt.Fprintln(w, "\nTargets (ratios from this run)")
		for _, t := range r.Targets {
			verdict := "PASS"
			if !t.Pass {
				verdict = "FAIL"
			}
			fmt.Fprintf(w, "  %s  %-40s %s\n", verdict, t.Name, t.Detail)
		}
	}
	fmt.Fprintf(w, "\nselfbench took %s\n", r.Elapsed.Round(100*time.Millisecond))
}

// printCPU breaks down the processor time per call of the sequential
// figures by process: on a machine with few cores, what bounds their latency.
func (r *Result) printCPU(w io.Writer) {
	header := false
	for _, f := range r.Figures {
		if len(f.CPU) == 0 || f.Concurrency > 1 {
			continue
		}
		if !header {
			fmt.Fprintln(w, "\nCPU per call, sequential (user + system, all threads of each process)")
			header = true
		}
		parts := make([]string, len(f.CPU))
		for i, c := range f.CPU {
			parts[i] = fmt.Sprintf("%s %s", c.Process, short(c.PerCall))
		}
		fmt.Fprintf(w, "  %-53s %s\n", f.Name, strings.Join(parts, " · "))
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

// short prints a duration in µs below a millisecond, ms below 10 s, else s.
func short(d time.Duration) string {
	switch {
	case d < time.Millisecond && d > -time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Second && d > -10*time.Second:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
func kb(b int64) string { return fmt.Sprintf("%.0f kB", float64(b)/(1<<10)) }
