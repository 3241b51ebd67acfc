package compare

import (
	"fmt"
	"math"
	"strings"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/report"
	"github.com/coldstartlab/coldstart/internal/stats"
)

// DefaultAlpha is the significance level used when Options.Alpha is unset.
const DefaultAlpha = 0.05

// Options configures Compare.
type Options struct {
	// Stats seeds the bootstrap (both models use the same seed, so a file
	// compared with itself shows identical numbers) and sets the confidence
	// level of the intervals.
	Stats stats.Options
	// Alpha is the significance level: a difference with p < Alpha is
	// significant. Values outside (0,1) mean DefaultAlpha.
	Alpha float64
	// BaseLabel and NewLabel head the two columns, e.g. the file names;
	// default "base" and "new".
	BaseLabel, NewLabel string
}

func (o Options) withDefaults() Options {
	if !(o.Alpha > 0 && o.Alpha < 1) {
		o.Alpha = DefaultAlpha
	}
	if !(o.Stats.Confidence > 0 && o.Stats.Confidence < 1) {
		o.Stats.Confidence = stats.DefaultConfidence
	}
	if o.BaseLabel == "" {
		o.BaseLabel = "base"
	}
	if o.NewLabel == "" {
		o.NewLabel = "new"
	}
	return o
}

// GroupKey names a group the way both files agree on: variant and memory size.
type GroupKey struct {
	Variant  string
	MemoryMB int
}

// String is "variant @ 512 MB", as reports label groups.
func (k GroupKey) String() string { return fmt.Sprintf("%s @ %d MB", k.Variant, k.MemoryMB) }

// Table is the comparison of a base and a new results file.
type Table struct {
	BaseLabel, NewLabel string
	BaseRun, NewRun     bench.Run
	Alpha, Confidence   float64
	ColdRatio           float64 // the cold-start share the base's cost figures assume

	Sections []Section // one per metric with samples on both sides, in report.Metrics order
	Memory   []Delta   // Max Memory Used (MB) of groups in both files
	Cost     []Delta   // cost per 1M invokes (USD) of groups in both files

	OnlyBase, OnlyNew []GroupKey // groups present in one file only
	Warnings          []string   // non-fatal problems, each a sentence

	stats stats.Options
	pairs []pair // matched groups, in the base's order
}

type pair struct {
	key       GroupKey
	base, new *report.Group
}

// Section compares one metric across the matched groups.
type Section struct {
	Metric report.Metric
	Rows   []Row
	// Geomean summarises the rows when there are at least two with positive
	// medians; nil otherwise.
	Geomean *Geomean
}

// Row compares one metric of one group.
type Row struct {
	GroupKey
	Base, New stats.Summary // milliseconds
	// Comparison is stats.Compare(new, base): Ratio is new/base of the
	// medians, RatioCI its interval, P the Mann-Whitney p-value (NaN with
	// too few samples).
	Comparison stats.Comparison
	// Significant says P < Alpha.
	Significant bool
}

// Change is the relative change of the median, new/base − 1.
func (r *Row) Change() float64 { return r.Comparison.Ratio - 1 }

// Tested says whether the row has a confidence interval for the change and
// a p-value; without them it shows a footnote instead.
func (r *Row) Tested() bool { return !math.IsNaN(r.Comparison.P) && r.Comparison.RatioCI.OK }

// Geomean is the geometric mean of a section's base and new medians.
type Geomean struct {
	Base, New float64 // milliseconds
	N         int     // rows included
	Omitted   int     // rows left out because a median was not positive
}

// Change is new/base − 1 of the geometric means.
func (g *Geomean) Change() float64 { return g.New/g.Base - 1 }

// Delta is a figure without a distribution (Max Memory Used, cost), compared
// without a test.
type Delta struct {
	GroupKey
	Base, New float64
}

// Change is new/base − 1; NaN when the base is 0.
func (d *Delta) Change() float64 {
	if d.Base == 0 {
		return math.NaN()
	}
	return d.New/d.Base - 1
}

func budgeted(o stats.Options, n int) stats.Options {
	full := o.Resamples
	if full <= 0 {
		full = stats.DefaultResamples
	}
	if n > 0 {
		o.Resamples = min(full, max(200, stats.ResampleBudget/n))
	}
	return o
}

// Compare compares next against base. Groups are matched by variant and
// memory size; a group in one file only is listed, not compared.
func Compare(base, next *bench.Results, o Options) *Table {
	o = o.withDefaults()
	bo := report.Options{Stats: o.Stats}
	bm, nm := report.Build(base, bo), report.Build(next, bo)
	t := &Table{
		BaseLabel: o.BaseLabel, NewLabel: o.NewLabel,
		BaseRun: base.Run, NewRun: next.Run,
		Alpha: o.Alpha, Confidence: o.Stats.Confidence,
		ColdRatio: bm.ColdRatio,
		stats:     o.Stats,
	}
	t.Warnings = runWarnings(base, next, bm, nm)
	for _, w := range bm.Warnings {
		t.Warnings = append(t.Warnings, "base: "+w)
	}
	for _, w := range nm.Warnings {
		t.Warnings = append(t.Warnings, "new: "+w)
	}

	newByKey := map[GroupKey]*report.Group{}
	for i := range nm.Groups {
		g := &nm.Groups[i]
		newByKey[GroupKey{g.Variant, g.MemoryMB}] = g
	}
	matched := map[GroupKey]bool{}
	for i := range bm.Groups {
		g := &bm.Groups[i]
		k := GroupKey{g.Variant, g.MemoryMB}
		if n := newByKey[k]; n != nil {
			t.pairs = append(t.pairs, pair{key: k, base: g, new: n})
			matched[k] = true
		} else {
			t.OnlyBase = append(t.OnlyBase, k)
		}
	}
	for i := range nm.Groups {
		g := &nm.Groups[i]
		if k := (GroupKey{g.Variant, g.MemoryMB}); !matched[k] {
			t.OnlyNew = append(t.OnlyNew, k)
		}
	}
	if len(t.pairs) == 0 && len(bm.Groups)+len(nm.Groups) > 0 {
		t.Warnings = append(t.Warnings, "no variant × memory size is in both files: nothing to compare")
	}

	for _, m := range report.Metrics {
		if s := t.section(m); len(s.Rows) > 0 {
			t.Sections = append(t.Sections, s)
		}
	}
	t.oneSided()
	for _, p := range t.pairs {
		if p.base.MaxMemoryMB > 0 && p.new.MaxMemoryMB > 0 {
			t.Memory = append(t.Memory, Delta{p.key, float64(p.base.MaxMemoryMB), float64(p.new.MaxMemoryMB)})
		}
		if p.base.CostPer1M > 0 && p.new.CostPer1M > 0 {
			t.Cost = append(t.Cost, Delta{p.key, p.base.CostPer1M, p.new.CostPer1M})
		}
	}
	return t
}

func (t *Table) section(m report.Metric) Section {
	s := Section{Metric: m}
	for _, p := range t.pairs {
		b, n := p.base.Series(m), p.new.Series(m)
		if len(b) == 0 || len(n) == 0 {
			continue // see oneSided
		}
		c := stats.Compare(n, b, budgeted(t.stats, len(n)+len(b)))
		s.Rows = append(s.Rows, Row{
			GroupKey:    p.key,
			Base:        p.base.Summary(m),
			New:         p.new.Summary(m),
			Comparison:  c,
			Significant: c.P < t.Alpha, // false for NaN
		})
	}
	if len(s.Rows) >= 2 {
		s.Geomean = geomean(s.Rows)
	}
	return s
}

// oneSided warns of metrics a matched group measured in one file only (a
// phase added or removed), one sentence per group and side.
func (t *Table) oneSided() {
	for _, p := range t.pairs {
		var onlyBase, onlyNew []string
		for _, m := range report.Metrics {
			b, n := len(p.base.Series(m)) > 0, len(p.new.Series(m)) > 0
			switch {
			case b && !n:
				onlyBase = append(onlyBase, string(m))
			case n && !b:
				onlyNew = append(onlyNew, string(m))
			}
		}
		if len(onlyBase) > 0 {
			t.Warnings = append(t.Warnings, fmt.Sprintf("%s: %s only in base, not compared", p.key, strings.Join(onlyBase, ", ")))
		}
		if len(onlyNew) > 0 {
			t.Warnings = append(t.Warnings, fmt.Sprintf("%s: %s only in new, not compared", p.key, strings.Join(onlyNew, ", ")))
		}
	}
}

func geomean(rows []Row) *Geomean {
	g := &Geomean{}
	var lb, ln float64
	for _, r := range rows {
		if !(r.Base.Median > 0 && r.New.Median > 0) {
			g.Omitted++
			continue
		}
		lb += math.Log(r.Base.Median)
		ln += math.Log(r.New.Median)
		g.N++
	}
	if g.N < 2 {
		return nil
	}
	g.Base, g.New = math.Exp(lb/float64(g.N)), math.Exp(ln/float64(g.N))
	return g
}

// runWarnings says what makes the two files less comparable than they look.
func runWarnings(base, next *bench.Results, bm, nm *report.Model) []string {
	var w []string
	b, n := base.Run, next.Run
	if b.ScenarioHash != "" && n.ScenarioHash != "" && b.ScenarioHash != n.ScenarioHash {
		w = append(w, fmt.Sprintf("the files come from different scenarios (hash %s vs %s): groups are compared by variant and memory size anyway",
			short(b.ScenarioHash), short(n.ScenarioHash)))
	}
	if b.Target.Kind != n.Target.Kind {
		w = append(w, fmt.Sprintf("base ran on target %q, new on %q: their numbers are not directly comparable", b.Target.Kind, n.Target.Kind))
	} else if b.Target.Kind == "local" && b.Host.CPU != n.Host.CPU {
		w = append(w, fmt.Sprintf("base ran on %q, new on %q: local timings depend on the machine", b.Host.CPU, n.Host.CPU))
	}
	if bm.ColdRatio != nm.ColdRatio {
		w = append(w, fmt.Sprintf("cost figures assume %s cold starts in base, %s in new", percent(bm.ColdRatio), percent(nm.ColdRatio)))
	}
	if bm.Pricing.Region != nm.Pricing.Region {
		w = append(w, fmt.Sprintf("cost figures use %s prices in base, %s in new", bm.Pricing.Region, nm.Pricing.Region))
	}
	if len(base.Samples) == 0 {
		w = append(w, "base has no samples")
	}
	if len(next.Samples) == 0 {
		w = append(w, "new has no samples")
	}
	return w
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// percent formats a share (0.01) as "1%".
func percent(share float64) string {
	return fmt.Sprintf("%s%%", trimFloat(share*100))
}

// trimFloat formats v with up to four significant digits and no trailing zeros.
func trimFloat(v float64) string { return fmt.Sprintf("%.4g", v) }
