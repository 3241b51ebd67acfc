package compare

import (
	"fmt"
	"math"
	"strings"

	"github.com/coldstartlab/coldstart/internal/report"
	"github.com/coldstartlab/coldstart/internal/stats"
)

// titles describe the metrics in section headings.
var titles = map[report.Metric]string{
	report.MetricColdInit:     "Init Duration of verified cold starts",
	report.MetricFirstInvoke:  "Duration of the invokes that started cold",
	report.MetricColdClient:   "client-observed latency of cold invokes",
	report.MetricWarmDuration: "Duration of warm invokes",
	report.MetricWarmClient:   "client-observed latency of warm invokes",
	report.MetricLoadLatency:  "latency under load, from the intended send time",
	report.MetricBurstLatency: "client-observed latency of bursts",
}

func title(m report.Metric) string {
	if t := titles[m]; t != "" {
		return string(m) + ": " + t
	}
	return string(m)
}

// footnotes numbers distinct warnings in order of first use.
type footnotes struct{ texts []string }

// mark returns the marker of msg (" ¹"), adding it if new.
func (f *footnotes) mark(msg string) string {
	for i, t := range f.texts {
		if t == msg {
			return " " + superscript(i+1)
		}
	}
	f.texts = append(f.texts, msg)
	return " " + superscript(len(f.texts))
}

func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	d := []rune(digits)
	var b strings.Builder
	for _, c := range fmt.Sprint(n) {
		b.WriteRune(d[c-'0'])
	}
	return b.String()
}

// lines returns the footnotes as "¹ text" lines.
func (f *footnotes) lines() []string {
	out := make([]string, len(f.texts))
	for i, t := range f.texts {
		out[i] = superscript(i+1) + " " + t
	}
	return out
}

// sectionCells is a section laid out as strings: a row per group (name,
// base, new, change) and the geomean row last when there is one.
type sectionCells struct {
	rows  [][4]string
	notes footnotes
}

// cells lays out a section. The base and new cells are "median ± range";
// medians are right-aligned within their column so the ± signs line up.
// ci adds the interval of the change to significant changes (Markdown).
func (t *Table) cells(s *Section, ci bool) sectionCells {
	var sc sectionCells
	type value struct{ med, rng string }
	var vals [][2]value
	var deltas []string
	medW := 0
	val := func(med string, rng string) value {
		medW = max(medW, width(med))
		return value{med, rng}
	}
	for i := range s.Rows {
		r := &s.Rows[i]
		vals = append(vals, [2]value{
			val(report.Millis(r.Base.Median), pctRange(r.Base.Median, r.Base.MedianCI, &sc.notes)),
			val(report.Millis(r.New.Median), pctRange(r.New.Median, r.New.MedianCI, &sc.notes)),
		})
		deltas = append(deltas, t.delta(r, ci, &sc.notes))
	}
	if g := s.Geomean; g != nil {
		vals = append(vals, [2]value{val(report.Millis(g.Base), ""), val(report.Millis(g.New), "")})
		d := fmt.Sprintf("%+.2f%%", g.Change()*100)
		if g.Omitted > 0 {
			d += sc.notes.mark(fmt.Sprintf("geomean leaves out %s with a median of 0", plural(g.Omitted, "group")))
		}
		deltas = append(deltas, d)
	}
	cell := func(v value) string {
		c := pad(v.med, medW, true)
		if v.rng != "" {
			c += " ± " + v.rng
		}
		return c
	}
	for i, v := range vals {
		name := "geomean"
		if i < len(s.Rows) {
			name = s.Rows[i].GroupKey.String()
		}
		sc.rows = append(sc.rows, [4]string{name, cell(v[0]), cell(v[1]), deltas[i]})
	}
	return sc
}

// pctRange formats a confidence interval as benchstat does: the larger
// distance from the median to a bound, as a percentage of the median; "∞"
// and a footnote when there is no interval.
func pctRange(center float64, iv stats.Interval, notes *footnotes) string {
	switch {
	case !iv.OK:
		return "∞" + notes.mark(iv.Warning)
	case center == 0:
		return "?" + notes.mark("median is 0: no relative interval")
	}
	r := max(center-iv.Lo, iv.Hi-center) / math.Abs(center) * 100
	if r > 0 && r < 0.95 {
		return fmt.Sprintf("%.1f%%", r)
	}
	return fmt.Sprintf("%.0f%%", r)
}

// delta formats the change column: "+14.02% (p=0.002 n=20+20)", "~ (p=0.45
// n=20+20)" when not significant, "? (n=3+20)" and a footnote when there is
// no test.
func (t *Table) delta(r *Row, ci bool, notes *footnotes) string {
	c := &r.Comparison
	n := fmt.Sprintf("n=%d+%d", r.Base.N, r.New.N)
	if math.IsNaN(c.Ratio) || math.IsInf(c.Ratio, 0) || math.IsNaN(c.P) {
		msg := strings.Join(c.Warnings, "; ")
		if msg == "" {
			msg = "no test"
		}
		return fmt.Sprintf("? (%s)%s", n, notes.mark(msg))
	}
	if !r.Significant {
		return fmt.Sprintf("~ (%s %s)", formatP(c.P), n)
	}
	d := fmt.Sprintf("%+.2f%%", r.Change()*100)
	if ci {
		d = "**" + d + "**"
		if c.RatioCI.OK {
			d += fmt.Sprintf(" [%+.1f%%, %+.1f%%]", (c.RatioCI.Lo-1)*100, (c.RatioCI.Hi-1)*100)
		}
	}
	return fmt.Sprintf("%s (%s %s)", d, formatP(c.P), n)
}

// deltaCells lays out Max Memory Used or cost rows.
func deltaCells(ds []Delta, format func(float64) string) [][4]string {
	var rows [][4]string
	for _, d := range ds {
		ch := d.Change()
		c := fmt.Sprintf("%+.2f%%", ch*100)
		if ch == 0 {
			c = "0.00%"
		}
		rows = append(rows, [4]string{d.GroupKey.String(), format(d.Base), format(d.New), c})
	}
	return rows
}

func memoryMB(v float64) string { return trimFloat(v) + " MB" }

// usd formats a cost with four significant digits, enough to show the
// changes a comparison is about ($0.2412 → $0.2425) where report.Dollars
// would round both to $0.24.
func usd(v float64) string {
	if math.Abs(v) >= 1000 {
		return fmt.Sprintf("$%.0f", v)
	}
	return fmt.Sprintf("$%#.4g", v)
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// width counts runes: µ, ±, ∞ and superscripts are one column each.
func width(s string) int { return len([]rune(s)) }

func pad(s string, w int, right bool) string {
	n := w - width(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}
