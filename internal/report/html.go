package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
)

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

type htmlPage struct {
	Run      any
	Title    string
	Meta     string
	Summary  []htmlSummaryRow
	Findings []string
	Warnings []string
	Charts   []htmlChart
	Cost     []htmlCostRow
	CostNote string
	Rows     []htmlRow
	RunInfo  []kv
	Scenario string
}

type htmlSummaryRow struct {
	Variant, Memory, Cold, ColdP99, First, Warm, WarmP99, MaxMemory, Cost string
	ColdBar, WarmBar, CostBar                                             float64
}

type htmlChart struct {
	ID, Caption string
	SVG         template.HTML
}

type htmlCostRow struct {
	Variant, Memory, ColdBilled, WarmBilled, Per1M string
	Monthly                                        []string
}

type htmlRow struct {
	Variant, Memory, Metric, Min, Median, Mean, P90, P95, P99, Max, StdDev string
	N                                                                      int
}

type kv struct{ K, V string }

// HTML writes one self-contained page: metadata, the summary, findings,
// charts as inline SVG with tooltips, cost and every statistic. It refers to
// nothing outside itself, so it opens offline and can be shared as a file.
func (m *Model) HTML(w io.Writer) error {
	cs, err := m.charts()
	if err != nil {
		return err
	}
	page := htmlPage{Run: m.Run, Title: m.title(), Meta: m.metaLine(), Warnings: m.Warnings, Scenario: m.Run.Scenario}
	var maxCold, maxWarm, maxCost float64
	for _, g := range m.Groups {
		maxCold, maxWarm, maxCost = math.Max(maxCold, g.Cold.Mean), math.Max(maxWarm, g.Warm.Median), math.Max(maxCost, g.CostPer1M)
	}
	for _, g := range m.Groups {
		cold := "–"
		if g.Cold.N > 0 {
			cold = fmt.Sprintf("%s ± %s", Millis(g.Cold.Mean), Millis(g.Cold.StdDev))
		}
		page.Summary = append(page.Summary, htmlSummaryRow{
			Variant: g.Variant, Memory: fmt.Sprintf("%d MB", g.MemoryMB), Cold: cold, ColdP99: orDash(g.Cold.N, Millis(g.Cold.P99)),
			First: orDash(g.FirstInvoke.N, Millis(g.FirstInvoke.Median)), Warm: orDash(g.Warm.N, Millis(g.Warm.Median)),
			WarmP99: orDash(g.Warm.N, Millis(g.Warm.P99)), MaxMemory: fmt.Sprintf("%d MB", g.MaxMemoryMB), Cost: Dollars(g.CostPer1M),
			ColdBar: pct(g.Cold.Mean, maxCold), WarmBar: pct(g.Warm.Median, maxWarm), CostBar: pct(g.CostPer1M, maxCost),
		})
		if len(g.Monthly) == len(MonthlyVolumes) {
			row := htmlCostRow{Variant: g.Variant, Memory: fmt.Sprintf("%d MB", g.MemoryMB),
				ColdBilled: fmt.Sprintf("%.0f ms", g.ColdBilledMS), WarmBilled: fmt.Sprintf("%.0f ms", g.WarmBilledMS), Per1M: Dollars(g.CostPer1M)}
			for _, b := range g.Monthly {
				row.Monthly = append(row.Monthly, Dollars(b.TotalUSD))
			}
			page.Cost = append(page.Cost, row)
		}
	}
	page.CostNote = fmt.Sprintf("%.3g%% of invokes assumed cold; %s on-demand list prices (first tier, no free tier); Billed Duration includes Init Duration.",
		m.ColdRatio*100, m.Pricing.Region)
	for _, f := range m.Findings {
		page.Findings = append(page.Findings, f.Text)
	}
	for _, c := range cs {
		svg, err := c.svg()
		if err != nil {
			return err
		}
		page.Charts = append(page.Charts, htmlChart{ID: c.ID, Caption: c.Caption, SVG: template.HTML(svg)}) // built by us, text escaped
	}
	for _, r := range m.Rows() {
		page.Rows = append(page.Rows, htmlRow{Variant: r.Variant, Memory: fmt.Sprintf("%d MB", r.MemoryMB), Metric: string(r.Metric),
			N: r.N, Min: Millis(r.Min), Median: withCI(r.Median, r.MedianCILo, r.MedianCIHi), Mean: withCI(r.Mean, r.MeanCILo, r.MeanCIHi),
			P90: Millis(r.P90), P95: Millis(r.P95), P99: Millis(r.P99), Max: Millis(r.Max), StdDev: Millis(r.StdDev)})
	}
	page.RunInfo = m.runInfo()
	return htmlTemplate.Execute(w, page)
}

func pct(v, max float64) float64 {
	if max <= 0 || math.IsNaN(v) || v <= 0 {
		return 0
	}
	return math.Round(v / max * 100)
}

// runInfo lists the run's metadata for the page.
func (m *Model) runInfo() []kv {
	r := m.Run
	out := []kv{{"run", r.ID}}
	if !r.Started.IsZero() {
		out = append(out, kv{"started", r.Started.UTC().Format("2006-01-02 15:04:05 UTC")})
	}
	out = append(out, kv{"scenario", r.ScenarioPath}, kv{"scenario sha256", r.ScenarioHash},
		kv{"target", r.Target.Kind + " " + r.Target.Region})
	if r.Target.Sandbox != "" {
		out = append(out, kv{"sandbox", r.Target.Sandbox + ": " + r.Target.SandboxLimits})
	}
	if r.Host.CPU != "" || r.Host.OS != "" {
		out = append(out, kv{"host", fmt.Sprintf("%s, %d CPU, %s/%s, kernel %s, %s", r.Host.CPU, r.Host.CPUs, r.Host.OS, r.Host.Arch, r.Host.Kernel, r.Host.Go)})
	}
	for _, v := range r.Variants {
		desc := fmt.Sprintf("function %s, %s, %s", v.Function, v.Arch, Bytes(v.PackageBytes))
		if v.PackageFiles > 0 {
			desc += fmt.Sprintf(" in %s", plural(v.PackageFiles, "file"))
		}
		out = append(out, kv{"variant " + v.Name, desc})
	}
	out = append(out, kv{"pricing", fmt.Sprintf("%s; cold share %.3g%%", m.Pricing.Region, m.ColdRatio*100)}, kv{"coldstart", r.Version})
	return out
}
