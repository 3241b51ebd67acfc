package compare

import (
	"strings"
	"testing"
)

// tail returns xs with every tenth value tripled: the median barely moves,
// the tail does.
func tail(xs []float64) []float64 {
	out := append([]float64(nil), xs...)
	for i := 0; i < len(out); i += 10 {
		out[i] *= 3
	}
	return out
}

func TestCheck(t *testing.T) {
	const g = "uppercase-go"
	cold := func(xs []float64) spec { return spec{variant: g, memoryMB: 512, cold: xs} }
	warm := func(xs []float64) spec { return spec{variant: g, memoryMB: 512, warm: xs} }
	tests := []struct {
		name      string
		base, new spec
		cond      string
		violation string // the violation's sentence; "" for none
		unchecked string // substring of an Unchecked note; "" for none
	}{
		{
			name: "10% regression caught by +5%",
			base: cold(logNormal(50, 100, 0.1, 1)), new: cold(logNormal(50, 110, 0.1, 2)),
			cond:      "cold.p50>+5%",
			violation: "cold.init p50 of uppercase-go @ 512 MB rose 12.1% [5.9%–18.4%] (p<0.001), over the +5% allowed",
		},
		{
			name: "10% regression within +25%",
			base: cold(logNormal(50, 100, 0.1, 1)), new: cold(logNormal(50, 110, 0.1, 2)),
			cond: "cold.p50>+25%",
		},
		{
			name: "equal distributions not flagged even at +0%",
			base: cold(logNormal(50, 100, 0.1, 3)), new: cold(logNormal(50, 100, 0.1, 4)),
			cond: "cold.p50>+0%",
		},
		{
			name: "too few samples: a note, never a violation",
			base: cold([]float64{100, 101, 102}), new: cold([]float64{150, 151, 152}),
			cond:      "cold.p50>+10%",
			unchecked: "cold.init.p50>+10%: cold.init of uppercase-go @ 512 MB has 3 base and 3 new samples (need 5 each); not checked",
		},
		{
			name: "absolute threshold exceeded",
			base: cold(logNormal(50, 100, 0.1, 1)), new: cold(logNormal(50, 110, 0.1, 2)),
			cond:      "cold.p50>+5ms",
			violation: "cold.init p50 of uppercase-go @ 512 MB rose 11.9 ms (98.6 ms → 110.6 ms, p<0.001), over the +5 ms allowed",
		},
		{
			name: "absolute threshold not exceeded",
			base: cold(logNormal(50, 100, 0.1, 1)), new: cold(logNormal(50, 110, 0.1, 2)),
			cond: "cold.p50>+20ms",
		},
		{
			name: "absolute threshold in microseconds",
			base: warm(logNormal(50, 2, 0.05, 1)), new: warm(logNormal(50, 2.2, 0.05, 2)),
			cond:      "warm.p50>+100us",
			violation: "warm.duration p50 of uppercase-go @ 512 MB rose 219 µs (1.99 ms → 2.21 ms, p<0.001), over the +100 µs allowed",
		},
		{
			name: "a drop below <-5%",
			base: cold(logNormal(50, 100, 0.1, 1)), new: cold(logNormal(50, 80, 0.1, 2)),
			cond:      "cold.p50<5%",
			violation: "cold.init p50 of uppercase-go @ 512 MB fell 18.5% [13.9%–23.0%] (p<0.001), under the -5% allowed",
		},
		{
			name: "a rise is not a drop",
			base: cold(logNormal(50, 100, 0.1, 1)), new: cold(logNormal(50, 110, 0.1, 2)),
			cond: "cold.p50<-5%",
		},
		{
			name: "tail regression caught by p99 though the median holds",
			base: warm(logNormal(400, 10, 0.1, 5)), new: warm(tail(logNormal(400, 10, 0.1, 6))),
			cond:      "warm.p99>+50%",
			violation: "warm.duration p99 of uppercase-go @ 512 MB rose",
		},
		{
			name: "same tail regression: median condition holds",
			base: warm(logNormal(400, 10, 0.1, 5)), new: warm(tail(logNormal(400, 10, 0.1, 6))),
			cond: "warm.p50>+5%",
		},
		{
			name: "max has no test: the threshold decides",
			base: warm(logNormal(50, 10, 0.1, 5)), new: warm(append(logNormal(49, 10, 0.1, 6), 40)),
			cond:      "warm.max>+50%",
			violation: "warm.duration max of uppercase-go @ 512 MB rose",
		},
		{
			name: "metric in neither file",
			base: warm(logNormal(50, 10, 0.1, 5)), new: warm(logNormal(50, 10, 0.1, 6)),
			cond:      "cold.p50>+10%",
			unchecked: "cold.init.p50>+10%: no group has cold.init p50 in both files; not checked",
		},
		{
			name: "memory: relative",
			base: spec{variant: g, memoryMB: 512, cold: []float64{100}, maxMemoryMB: 100},
			new:  spec{variant: g, memoryMB: 512, cold: []float64{100}, maxMemoryMB: 120},
			cond: "memory>+10%", violation: "Max Memory Used of uppercase-go @ 512 MB rose 20.0% (100 MB → 120 MB), over the +10% allowed",
		},
		{
			name: "memory: relative, within",
			base: spec{variant: g, memoryMB: 512, cold: []float64{100}, maxMemoryMB: 100},
			new:  spec{variant: g, memoryMB: 512, cold: []float64{100}, maxMemoryMB: 120},
			cond: "memory>+25%",
		},
		{
			name: "memory: absolute",
			base: spec{variant: g, memoryMB: 512, cold: []float64{100}, maxMemoryMB: 100},
			new:  spec{variant: g, memoryMB: 512, cold: []float64{100}, maxMemoryMB: 120},
			cond: "memory>+15MB", violation: "Max Memory Used of uppercase-go @ 512 MB rose 20 MB (100 MB → 120 MB), over the +15 MB allowed",
		},
		{
			name: "memory: absolute, within",
			base: spec{variant: g, memoryMB: 512, cold: []float64{100}, maxMemoryMB: 100},
			new:  spec{variant: g, memoryMB: 512, cold: []float64{100}, maxMemoryMB: 120},
			cond: "memory>+25MB",
		},
		{
			name: "cost: relative",
			base: warm(slicesOf(20, 100)), new: warm(slicesOf(20, 150)),
			cond: "cost>+10%", violation: "cost per 1M invokes of uppercase-go @ 512 MB rose 40.3% ($1.033 → $1.450), over the +10% allowed",
		},
		{
			name: "cost: relative, within",
			base: warm(slicesOf(20, 100)), new: warm(slicesOf(20, 150)),
			cond: "cost>+50%",
		},
		{
			name: "cost: absolute",
			base: warm(slicesOf(20, 100)), new: warm(slicesOf(20, 150)),
			cond: "cost>+0.25", violation: "cost per 1M invokes of uppercase-go @ 512 MB rose $0.4167 ($1.033 → $1.450), over the +$0.25 allowed",
		},
		{
			name: "cost: absolute, within",
			base: warm(slicesOf(20, 100)), new: warm(slicesOf(20, 150)),
			cond: "cost>+$1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCondition(tt.cond)
			if err != nil {
				t.Fatal(err)
			}
			tab := Compare(results("b", "h", tt.base), results("n", "h", tt.new), testOptions)
			vs := tab.Check([]Condition{c})
			switch {
			case tt.violation == "" && len(vs) > 0:
				t.Errorf("unexpected violation: %s", vs[0].Text)
			case tt.violation != "" && len(vs) != 1:
				t.Errorf("%d violations, want 1", len(vs))
			case tt.violation != "" && !strings.HasPrefix(vs[0].Text, tt.violation):
				t.Errorf("violation\n  %s\nwant\n  %s", vs[0].Text, tt.violation)
			}
			notes := tab.Unchecked([]Condition{c})
			all := strings.Join(notes, "\n")
			switch {
			case tt.unchecked == "" && all != "":
				t.Errorf("unexpected notes %q", notes)
			case !strings.Contains(all, tt.unchecked):
				t.Errorf("notes %q lack %q", notes, tt.unchecked)
			}
		})
	}
}

// slicesOf returns n copies of v.
func slicesOf(n int, v float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = v
	}
	return xs
}

// Each condition is checked against every group; each group breaks it on
// its own.
func TestCheckGroups(t *testing.T) {
	base := results("b", "h",
		spec{variant: "a", memoryMB: 512, cold: logNormal(50, 100, 0.1, 1)},
		spec{variant: "b", memoryMB: 512, cold: logNormal(50, 100, 0.1, 2)},
		spec{variant: "a", memoryMB: 1024, cold: logNormal(50, 100, 0.1, 3)})
	next := results("n", "h",
		spec{variant: "a", memoryMB: 512, cold: logNormal(50, 130, 0.1, 4)},
		spec{variant: "b", memoryMB: 512, cold: logNormal(50, 100, 0.1, 5)},
		spec{variant: "a", memoryMB: 1024, cold: logNormal(50, 130, 0.1, 6)})
	tab := Compare(base, next, testOptions)
	var conds []Condition
	for _, s := range []string{"cold.p50>+10%", "memory>+10%"} {
		c, err := ParseCondition(s)
		if err != nil {
			t.Fatal(err)
		}
		conds = append(conds, c)
	}
	var got []string
	for _, v := range tab.Check(conds) {
		got = append(got, v.Condition.String()+" "+v.Group.String())
	}
	want := []string{"cold.init.p50>+10% a @ 512 MB", "cold.init.p50>+10% a @ 1024 MB"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
