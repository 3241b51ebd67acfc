package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Markdown writes tables ready for a blog post or a pull request: the
// summary, findings, cost, every statistic per group, and warnings. With
// chartsDir it also writes the charts as PNG files there and links them
// (by paths relative to chartsDir's parent, where the Markdown is expected).
func (m *Model) Markdown(w io.Writer, chartsDir string) error {
	fmt.Fprintf(w, "# coldstart report: %s\n\n", m.title())
	fmt.Fprintf(w, "%s\n\n", m.metaLine())

	fmt.Fprint(w, "## Summary\n\n")
	fmt.Fprintln(w, "| variant | memory | cold start (Init, mean ± σ) | Init p99 | first invoke | warm p50 | warm p99 | max memory | $ per 1M |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, g := range m.Groups {
		cold := "–"
		if g.Cold.N > 0 {
			cold = fmt.Sprintf("%s ± %s", Millis(g.Cold.Mean), Millis(g.Cold.StdDev))
		}
		fmt.Fprintf(w, "| %s | %d MB | %s | %s | %s | %s | %s | %d MB | %s |\n", mdEscape(g.Variant), g.MemoryMB, cold,
			orDash(g.Cold.N, Millis(g.Cold.P99)), orDash(g.FirstInvoke.N, Millis(g.FirstInvoke.Median)),
			orDash(g.Warm.N, Millis(g.Warm.Median)), orDash(g.Warm.N, Millis(g.Warm.P99)), g.MaxMemoryMB, Dollars(g.CostPer1M))
	}
	fmt.Fprintln(w)
	if len(m.Findings) > 0 {
		fmt.Fprint(w, "## Findings\n\n")
		for _, f := range m.Findings {
			fmt.Fprintf(w, "- %s\n", mdEscape(f.Text))
		}
		fmt.Fprintln(w)
	}
	if chartsDir != "" {
		if err := m.markdownCharts(w, chartsDir); err != nil {
			return err
		}
	}
	if m.hasCost() {
		fmt.Fprintf(w, "## Cost per month (%.3g%% of invokes cold, %s list prices)\n\n", m.ColdRatio*100, m.Pricing.Region)
		fmt.Fprintln(w, "| variant | memory | 1M invokes | 10M | 100M |")
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
		for _, g := range m.Groups {
			if len(g.Monthly) != len(MonthlyVolumes) {
				continue
			}
			fmt.Fprintf(w, "| %s | %d MB | %s | %s | %s |\n", mdEscape(g.Variant), g.MemoryMB,
				Dollars(g.Monthly[0].TotalUSD), Dollars(g.Monthly[1].TotalUSD), Dollars(g.Monthly[2].TotalUSD))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "## Details\n\n")
	fmt.Fprintln(w, "| variant | memory | metric | n | min | median [95% CI] | mean [95% CI] | p90 | p95 | p99 | max | σ |")
	fmt.Fprintln(w, "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range m.Rows() {
		fmt.Fprintf(w, "| %s | %d MB | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(r.Variant), r.MemoryMB,
			r.Metric, r.N, Millis(r.Min), withCI(r.Median, r.MedianCILo, r.MedianCIHi), withCI(r.Mean, r.MeanCILo, r.MeanCIHi),
			Millis(r.P90), Millis(r.P95), Millis(r.P99), Millis(r.Max), Millis(r.StdDev))
	}
	fmt.Fprintln(w)
	if len(m.Warnings) > 0 {
		fmt.Fprint(w, "## Warnings\n\n")
		for _, warn := range m.Warnings {
			fmt.Fprintf(w, "- %s\n", mdEscape(warn))
		}
		fmt.Fprintln(w)
	}
	return nil
}

func (m *Model) markdownCharts(w io.Writer, dir string) error {
	cs, err := m.charts()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fmt.Fprint(w, "## Charts\n\n")
	for _, c := range cs {
		path := filepath.Join(dir, c.ID+".png")
		if err := c.png(path); err != nil {
			return fmt.Errorf("chart %s: %w", c.ID, err)
		}
		link := filepath.ToSlash(filepath.Join(filepath.Base(dir), c.ID+".png"))
		fmt.Fprintf(w, "![%s](%s)\n\n*%s*\n\n", mdEscape(c.Title), link, mdEscape(c.Caption))
	}
	return nil
}

func withCI(v, lo, hi float64) string {
	if lo != lo || hi != hi { // NaN: no interval
		return Millis(v)
	}
	return fmt.Sprintf("%s [%s … %s]", Millis(v), Millis(lo), Millis(hi))
}

func (m *Model) hasCost() bool {
	for _, g := range m.Groups {
		if len(g.Monthly) == len(MonthlyVolumes) {
			return true
		}
	}
	return false
}

// title names the report: the scenario's name, else its path.
func (m *Model) title() string {
	name := strings.TrimSuffix(filepath.Base(m.Run.ScenarioPath), filepath.Ext(m.Run.ScenarioPath))
	if name == "" || name == "." {
		name = m.Run.ID
	}
	return name
}

// metaLine is one line of run metadata.
func (m *Model) metaLine() string {
	r := m.Run
	parts := []string{}
	if !r.Started.IsZero() {
		parts = append(parts, r.Started.UTC().Format("2006-01-02 15:04 UTC"))
	}
	target := r.Target.Kind
	if r.Target.Sandbox != "" {
		target += " (sandbox " + r.Target.Sandbox + ")"
	}
	if r.Target.Region != "" {
		target += ", " + r.Target.Region
	}
	parts = append(parts, "target "+target)
	if r.Host.CPU != "" {
		parts = append(parts, fmt.Sprintf("host %s, %d CPU", r.Host.CPU, r.Host.CPUs))
	}
	if r.Version != "" {
		parts = append(parts, "coldstart "+r.Version)
	}
	return strings.Join(parts, " · ")
}

var mdReplacer = strings.NewReplacer("|", `\|`, "\n", " ")

func mdEscape(s string) string { return mdReplacer.Replace(s) }
