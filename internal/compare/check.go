package compare

import (
	"fmt"
	"math"
	"strings"

	"github.com/coldstartlab/coldstart/internal/report"
	"github.com/coldstartlab/coldstart/internal/stats"
)

// Violation is one condition broken by one group.
type Violation struct {
	Condition Condition
	Group     GroupKey
	Base, New float64 // the statistic in each file: ms, MB or USD
	Change    float64 // New/Base − 1
	// CI is the interval of the ratio New/Base; not OK where there is no
	// test (memory, cost, max, min).
	CI stats.Interval
	// P is the p-value of the test, NaN where there is none.
	P    float64
	Text string // the violation as a sentence with its numbers
}

// Check returns the violations of conds: a condition is violated by a group
// when the change of its statistic goes beyond the threshold and, for a
// latency, the difference is significant at Alpha. The test for p50 is the
// Mann-Whitney U test the table shows; for mean, p90, p95 and p99 it is a
// bootstrap of the ratio of that statistic (its percentile interval and
// p-value), since a shift of the tail need not move the median; max and min
// have no meaningful test, and like memory and cost the threshold alone
// decides. A group with too few samples is never a violation: see Unchecked.
func (t *Table) Check(conds []Condition) []Violation {
	vs, _ := t.evaluate(conds)
	return vs
}

// Unchecked returns, as sentences, what conds could not decide: groups with
// too few samples or with a metric in one file only, and conditions that no
// group could be checked against. These are warnings, never violations.
func (t *Table) Unchecked(conds []Condition) []string {
	_, notes := t.evaluate(conds)
	return notes
}

func (t *Table) evaluate(conds []Condition) (vs []Violation, notes []string) {
	for _, c := range conds {
		checked := 0
		for _, p := range t.pairs {
			v, note, decided := t.check(c, p)
			if note != "" {
				notes = append(notes, note)
			}
			if decided {
				checked++
			}
			if v != nil {
				vs = append(vs, *v)
			}
		}
		if checked == 0 {
			notes = append(notes, fmt.Sprintf("%s: no group has %s in both files; not checked", c.String(), subject(c)))
		}
	}
	return vs, notes
}

// check decides one condition for one group: decided says the group had
// the data to decide it, note why not.
func (t *Table) check(c Condition, p pair) (v *Violation, note string, decided bool) {
	v = &Violation{Condition: c, Group: p.key, P: math.NaN()}
	switch c.Metric {
	case MetricMemory:
		v.Base, v.New = float64(p.base.MaxMemoryMB), float64(p.new.MaxMemoryMB)
		if v.Base == 0 || v.New == 0 {
			return nil, "", false
		}
	case MetricCost:
		v.Base, v.New = p.base.CostPer1M, p.new.CostPer1M
		if v.Base == 0 || v.New == 0 {
			return nil, "", false
		}
	default:
		bs, ns := p.base.Series(c.Metric), p.new.Series(c.Metric)
		switch {
		case len(bs) == 0 && len(ns) == 0:
			return nil, "", false
		case len(bs) < stats.MinSamples || len(ns) < stats.MinSamples:
			return nil, fmt.Sprintf("%s: %s of %s has %d base and %d new samples (need %d each); not checked",
				c.String(), c.Metric, p.key, len(bs), len(ns), stats.MinSamples), false
		}
		v.Base, v.New = statValue(bs, c.Stat), statValue(ns, c.Stat)
	}
	if c.Relative && !(v.Base > 0) {
		return nil, fmt.Sprintf("%s: %s of %s is %v in base: no relative change; not checked", c.String(), subject(c), p.key, v.Base), false
	}
	v.Change = v.New/v.Base - 1
	x := v.New - v.Base
	if c.Relative {
		x = v.Change
	}
	if !(c.Op == OpAbove && x > c.Threshold || c.Op == OpBelow && x < c.Threshold) {
		return nil, "", true
	}
	if tested(c) {
		v.CI, v.P = t.test(c, p)
		if math.IsNaN(v.P) {
			return nil, fmt.Sprintf("%s: %s of %s could not be tested (%s); not checked", c.String(), subject(c), p.key, v.CI.Warning), false
		}
		if !(v.P < t.Alpha) {
			return nil, "", true
		}
	}
	v.Text = v.sentence()
	return v, "", true
}

// tested says whether a condition's difference must also be significant.
func tested(c Condition) bool {
	return c.Metric != MetricMemory && c.Metric != MetricCost && c.Stat != StatMax && c.Stat != StatMin
}

// test returns the interval of the ratio new/base of the condition's
// statistic and the p-value of the difference.
func (t *Table) test(c Condition, p pair) (stats.Interval, float64) {
	if c.Stat == StatP50 {
		if r := t.row(c.Metric, p.key); r != nil {
			return r.Comparison.RatioCI, r.Comparison.P
		}
	}
	bs, ns := p.base.Series(c.Metric), p.new.Series(c.Metric)
	return bootRatio(ns, bs, c.Stat, t.stats)
}

func (t *Table) row(m report.Metric, k GroupKey) *Row {
	for i := range t.Sections {
		if s := &t.Sections[i]; s.Metric == m {
			for j := range s.Rows {
				if s.Rows[j].GroupKey == k {
					return &s.Rows[j]
				}
			}
		}
	}
	return nil
}

// subject names what a condition compares: "cold.init p50", "Max Memory Used".
func subject(c Condition) string {
	switch c.Metric {
	case MetricMemory:
		return "Max Memory Used"
	case MetricCost:
		return "cost per 1M invokes"
	}
	return string(c.Metric) + " " + string(c.Stat)
}

// sentence states the violation with its numbers, e.g. "cold.init p50 of
// uppercase-go @ 512 MB rose 14.2% [9.8%–18.9%] (p=0.001), over the +10% allowed".
func (v *Violation) sentence() string {
	c := v.Condition
	verb := "changed"
	switch {
	case v.New > v.Base:
		verb = "rose"
	case v.New < v.Base:
		verb = "fell"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s of %s %s ", subject(c), v.Group, verb)
	var details []string
	if c.Relative {
		fmt.Fprintf(&b, "%.1f%%", math.Abs(v.Change)*100)
		if v.CI.OK {
			lo, hi := (v.CI.Lo-1)*100, (v.CI.Hi-1)*100
			if verb == "fell" {
				lo, hi = -hi, -lo
			}
			fmt.Fprintf(&b, " [%.1f%%–%.1f%%]", lo, hi)
		}
		if !tested(c) {
			details = append(details, amount(c, v.Base)+" → "+amount(c, v.New))
		}
	} else {
		b.WriteString(amount(c, math.Abs(v.New-v.Base)))
		details = append(details, amount(c, v.Base)+" → "+amount(c, v.New))
	}
	switch {
	case tested(c):
		details = append(details, formatP(v.P))
	case c.Stat == StatMax || c.Stat == StatMin:
		details = append(details, "no significance test for "+string(c.Stat))
	}
	fmt.Fprintf(&b, " (%s), ", strings.Join(details, ", "))
	if c.Op == OpAbove {
		b.WriteString("over")
	} else {
		b.WriteString("under")
	}
	fmt.Fprintf(&b, " the %s allowed", c.threshold(true))
	return b.String()
}

// amount formats a value in a condition's unit.
func amount(c Condition, v float64) string {
	switch c.Metric {
	case MetricMemory:
		return trimFloat(v) + " MB"
	case MetricCost:
		return usd(v)
	}
	return report.Millis(v)
}

// formatP formats a p-value as "p=0.002", "p=0.45" or "p<0.001".
func formatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "p=?"
	case p < 0.001:
		return "p<0.001"
	case p < 0.1:
		return fmt.Sprintf("p=%.3f", p)
	}
	return fmt.Sprintf("p=%.2f", p)
}
