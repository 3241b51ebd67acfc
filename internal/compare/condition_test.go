package compare

import (
	"math"
	"testing"

	"github.com/coldstartlab/coldstart/internal/report"
)

func TestParseConditionAccepts(t *testing.T) {
	tests := []struct {
		in   string
		want Condition
		str  string // canonical String()
	}{
		{"cold.p50>+10%", Condition{Metric: report.MetricColdInit, Stat: StatP50, Op: OpAbove, Relative: true, Threshold: 0.10}, "cold.init.p50>+10%"},
		{"warm.p99>+5%", Condition{Metric: report.MetricWarmDuration, Stat: StatP99, Op: OpAbove, Relative: true, Threshold: 0.05}, "warm.duration.p99>+5%"},
		{"cold.init.mean>+3ms", Condition{Metric: report.MetricColdInit, Stat: StatMean, Op: OpAbove, Threshold: 3}, "cold.init.mean>+3ms"},
		{" first.median > 10% ", Condition{Metric: report.MetricFirstInvoke, Stat: StatP50, Op: OpAbove, Relative: true, Threshold: 0.10}, "cold.first.p50>+10%"},
		{"load.latency.p95>+500us", Condition{Metric: report.MetricLoadLatency, Stat: StatP95, Op: OpAbove, Threshold: 0.5}, "load.latency.p95>+500us"},
		{"load.p90>+250µs", Condition{Metric: report.MetricLoadLatency, Stat: StatP90, Op: OpAbove, Threshold: 0.25}, "load.latency.p90>+250us"},
		{"burst.max>+1s", Condition{Metric: report.MetricBurstLatency, Stat: StatMax, Op: OpAbove, Threshold: 1000}, "burst.latency.max>+1000ms"},
		{"warm.client.p90<-10%", Condition{Metric: report.MetricWarmClient, Stat: StatP90, Op: OpBelow, Relative: true, Threshold: -0.10}, "warm.client.p90<-10%"},
		{"warm.duration.min<10%", Condition{Metric: report.MetricWarmDuration, Stat: StatMin, Op: OpBelow, Relative: true, Threshold: -0.10}, "warm.duration.min<-10%"},
		{"cold.client.p50>-5%", Condition{Metric: report.MetricColdClient, Stat: StatP50, Op: OpAbove, Relative: true, Threshold: -0.05}, "cold.client.p50>-5%"},
		{"COLD.P50>+2.5MS", Condition{Metric: report.MetricColdInit, Stat: StatP50, Op: OpAbove, Threshold: 2.5}, "cold.init.p50>+2.5ms"},
		{"memory>+5MB", Condition{Metric: MetricMemory, Op: OpAbove, Threshold: 5}, "memory>+5MB"},
		{"memory > 5%", Condition{Metric: MetricMemory, Op: OpAbove, Relative: true, Threshold: 0.05}, "memory>+5%"},
		{"cost>+0.01", Condition{Metric: MetricCost, Op: OpAbove, Threshold: 0.01}, "cost>+$0.01"},
		{"cost>+$0.5", Condition{Metric: MetricCost, Op: OpAbove, Threshold: 0.5}, "cost>+$0.5"},
		{"cost>15%", Condition{Metric: MetricCost, Op: OpAbove, Relative: true, Threshold: 0.15}, "cost>+15%"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCondition(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Text = tt.in
			if got.Text != tt.want.Text || got.Metric != tt.want.Metric || got.Stat != tt.want.Stat || got.Op != tt.want.Op ||
				got.Relative != tt.want.Relative || math.Abs(got.Threshold-tt.want.Threshold) > 1e-12 {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if s := got.String(); s != tt.str {
				t.Errorf("String() = %q, want %q", s, tt.str)
			}
		})
	}
}

func TestParseConditionRejects(t *testing.T) {
	const stats = "p50, median, mean, p90, p95, p99, max, min"
	tests := []struct{ in, want string }{
		{"", "empty condition: want <metric>.<stat> > <threshold>, e.g. cold.p50>+10%"},
		{"colt.p50>+10%", `bad condition "colt.p50>+10%": unknown metric "colt"; known: cold, warm, first, load, burst, memory, cost, ` +
			"cold.init, cold.first, cold.client, warm.duration, warm.client, load.latency, burst.latency"},
		{"latency>+10%", `bad condition "latency>+10%": unknown metric "latency"; known: cold, warm, first, load, burst, memory, cost, ` +
			"cold.init, cold.first, cold.client, warm.duration, warm.client, load.latency, burst.latency"},
		{"cold.p42>+10%", `bad condition "cold.p42>+10%": unknown statistic "p42" of cold; known: ` + stats},
		{"cold>+10%", `bad condition "cold>+10%": cold needs a statistic, e.g. cold.p50 (one of ` + stats + ")"},
		{"cold.init>+10%", `bad condition "cold.init>+10%": cold.init needs a statistic, e.g. cold.init.p50 (one of ` + stats + ")"},
		{"memory.max>+5MB", `bad condition "memory.max>+5MB": memory takes no statistic: write memory>… without .max`},
		{"cold.p50 +10%", `bad condition "cold.p50 +10%": no > or <: want <metric>.<stat> > <threshold>, e.g. cold.p50>+10%`},
		{"cold.p50>=+10%", `bad condition "cold.p50>=+10%": >= is not supported: use >`},
		{"cold.p50>+10%<5%", `bad condition "cold.p50>+10%<5%": more than one comparison`},
		{"cold.p50>", `bad condition "cold.p50>": no threshold after >`},
		{">10%", `bad condition ">10%": no metric before >`},
		{"cold.p50>+10", `bad condition "cold.p50>+10": threshold "+10" needs a unit: % or ms, us or s`},
		{"cold.p50>+5MB", `bad condition "cold.p50>+5MB": unit "MB" does not fit cold.init: use % or ms, us or s`},
		{"memory>+5ms", `bad condition "memory>+5ms": unit "ms" does not fit memory: use % or MB`},
		{"memory>+5", `bad condition "memory>+5": threshold "+5" needs a unit: % or MB`},
		{"cost>+5ms", `bad condition "cost>+5ms": unit "ms" does not fit cost: use % or dollars (+0.01)`},
		{"cold.p50>$5", `bad condition "cold.p50>$5": threshold "$5": $ is only for cost`},
		{"cold.p50>abc", `bad condition "cold.p50>abc": threshold "abc" is not a number: want e.g. +10%, +2ms`},
		{"memory>+", `bad condition "memory>+": threshold "+" is not a number: want e.g. +10%, +5MB`},
		{"cold.p50>+1.2.3ms", `bad condition "cold.p50>+1.2.3ms": threshold "+1.2.3ms" is not a number: want e.g. +10%, +2ms`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := ParseCondition(tt.in)
			if err == nil {
				t.Fatalf("accepted as %+v", c)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n  %s\nwant\n  %s", err, tt.want)
			}
		})
	}
}

// FuzzParseCondition: the parser never panics, and what it accepts prints
// in a canonical form that reads back to the same condition.
func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{"cold.p50>+10%", "warm.p99 > 5%", "memory>+5MB", "cost<-$0.01", "load.latency.max>+1s",
		"burst.min<250us", "cold.init.mean>+3ms", "colt.p50>+10%", "cold.p50>=1", ">"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCondition(s)
		if err != nil {
			return
		}
		if math.IsNaN(c.Threshold) || math.IsInf(c.Threshold, 0) {
			t.Fatalf("%q: threshold %v", s, c.Threshold)
		}
		again, err := ParseCondition(c.String())
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, c.String(), err)
		}
		if again.Metric != c.Metric || again.Stat != c.Stat || again.Op != c.Op || again.Relative != c.Relative ||
			math.Abs(again.Threshold-c.Threshold) > 1e-9*max(1, math.Abs(c.Threshold)) {
			t.Fatalf("%q → %+v → %q → %+v", s, c, c.String(), again)
		}
	})
}
