package selfbench

import (
	"fmt"
	"time"
)

// Target is one of issue 9's goals, judged on ratios from the same run.
type Target struct {
	Name   string `json:"name"`
	Pass   bool   `json:"pass"`
	Detail string `json:"detail"`
}

// Goals, as ratios to the floor measured in the same run.
const (
	warmP50Ratio   = 1.25
	warmP99Ratio   = 3.0
	coldOverhead   = 2 * time.Millisecond
	sendErrorBound = time.Millisecond
)

// targets judges the run. A figure that was not measured is not judged.
func (r *Result) targets() []Target {
	var out []Target
	floor, warm := r.Get(FloorWarm), r.Get(WarmHTTP)
	if floor.N > 0 && warm.N > 0 {
		p50, p99 := ratio(warm.P50, floor.P50), ratio(warm.P99, floor.P99)
		out = append(out,
			Target{"warm p50 ≤ 1.25 × floor", p50 <= warmP50Ratio, fmt.Sprintf("%s vs %s: %.2f×", short(warm.P50), short(floor.P50), p50)},
			Target{"warm p99 ≤ 3 × floor", p99 <= warmP99Ratio, fmt.Sprintf("%s vs %s: %.2f×", short(warm.P99), short(floor.P99), p99)})
	}
	// Like is compared with like: a client-observed cold invoke (exec, init
	// and the first event) with a bare exec that also answers one event.
	// Against "exec → first /next" alone the function's own first-event work
	// (a fresh process's page faults and first handler call) would be
	// charged to the platform.
	bare, cold := r.Get(FloorColdInvoke), r.Get(ColdClient)
	if bare.N > 0 && cold.N > 0 {
		over := cold.P50 - bare.P50
		detail := fmt.Sprintf("client-observed p50 %s − bare exec answering one event p50 %s = %s (platform before exec: p50 %s",
			short(cold.P50), short(bare.P50), short(over), short(r.Get(ColdPlat).P50))
		if init, next := r.Get(ColdInit), r.Get(FloorCold); init.N > 0 && next.N > 0 {
			detail += fmt.Sprintf("; Init Duration − bare exec → first /next: %s", short(init.P50-next.P50))
		}
		out = append(out, Target{"cold overhead ≤ 2 ms over bare exec", over <= coldOverhead, detail + ")"})
	}
	if b := r.Burst; b != nil {
		detail := fmt.Sprintf("%d errors; %d environments for %d invokes", b.Errors, b.Environments, b.N)
		if b.Environments < b.N {
			detail += fmt.Sprintf(" (some started after the first had served their %s)", short(b.FirstDelay))
		}
		out = append(out, Target{fmt.Sprintf("burst of %d with 0 errors", b.N), b.Errors == 0, detail})
	}
	if o := r.OpenLoop; o != nil {
		out = append(out, Target{"open-loop p99 send-time error < 1 ms", o.SendP99 < sendErrorBound && o.Sent > 0,
			fmt.Sprintf("p99 %s at %.0f rps", short(o.SendP99), o.Rate)})
	}
	return out
}
