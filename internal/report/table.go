package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// TableOptions configures Table.
type TableOptions struct {
	Color bool // bold headings (for terminals)
}

// Table writes the terminal summary: a block per variant × memory size in
// hyperfine's manner, a table with bars to compare them, then the findings
// and warnings.
func (m *Model) Table(w io.Writer, o TableOptions) {
	for i := range m.Groups {
		m.groupBlock(w, &m.Groups[i], o)
	}
	if len(m.Groups) > 1 {
		m.compareTable(w)
	}
	if len(m.Findings) > 0 {
		fmt.Fprintln(w, "Summary")
		for _, f := range m.Findings {
			fmt.Fprintln(w, "  "+f.Text)
		}
		fmt.Fprintln(w)
	}
	for _, warn := range m.Warnings {
		fmt.Fprintln(w, "warning: "+warn)
	}
}

func (m *Model) groupBlock(w io.Writer, g *Group, o TableOptions) {
	pkg := ""
	if g.PackageBytes > 0 {
		pkg = ", " + Bytes(g.PackageBytes)
		if g.PackageFiles > 0 {
			pkg += " in " + plural(g.PackageFiles, "file")
		}
	}
	label := g.Label()
	if o.Color {
		label = text.Bold.Sprint(label)
	}
	fmt.Fprintf(w, "%s  (%s%s)\n", label, g.Arch, pkg)
	if c := g.Cold; c.N > 0 {
		line := fmt.Sprintf("  Cold start (Init):  %s ± %s", Millis(c.Mean), Millis(c.StdDev))
		if c.MeanCI.OK {
			line += fmt.Sprintf("   [%s … %s]", Millis(c.MeanCI.Lo), Millis(c.MeanCI.Hi))
		}
		line += fmt.Sprintf("   p50 %s  p90 %s  p99 %s   %d cold", Millis(c.Median), Millis(c.P90), Millis(c.P99), c.N)
		if g.NotCold > 0 {
			line += fmt.Sprintf(", %d not cold", g.NotCold)
		}
		fmt.Fprintln(w, line)
		client := ""
		if g.ColdClient.N > 0 {
			client = "; client sees " + Millis(g.ColdClient.Median)
		}
		fmt.Fprintf(w, "  First invoke:       %s   (median Duration of the cold invokes%s)\n", Millis(g.FirstInvoke.Median), client)
	}
	if c := g.Warm; c.N > 0 {
		client := ""
		if g.WarmClient.N > 0 {
			client = "; client p50 " + Millis(g.WarmClient.Median)
		}
		fmt.Fprintf(w, "  Warm:               p50 %s  p99 %s   (Duration of %d invokes%s)\n", Millis(c.Median), Millis(c.P99), c.N, client)
	}
	if c := g.Load; c.N > 0 {
		fmt.Fprintf(w, "  Load:               p50 %s  p95 %s  p99 %s  max %s  σ %s   (%d requests, from intended send time)\n",
			Millis(c.Median), Millis(c.P95), Millis(c.P99), Millis(c.Max), Millis(c.StdDev), c.N)
	}
	if c := g.Burst; c.N > 0 {
		fmt.Fprintf(w, "  Burst:              p50 %s  p99 %s  max %s   (%d invokes)\n", Millis(c.Median), Millis(c.P99), Millis(c.Max), c.N)
	}
	if g.MaxMemoryMB > 0 {
		fmt.Fprintf(w, "  Max memory used:    %d MB of %d MB\n", g.MaxMemoryMB, g.MemoryMB)
	}
	if g.CostPer1M > 0 {
		monthly := make([]string, 0, len(g.Monthly))
		for _, b := range g.Monthly {
			monthly = append(monthly, fmt.Sprintf("%s at %s", Dollars(b.TotalUSD), volume(b.Invocations)))
		}
		// %.3g: a cold ratio of 0.001 is "0.1% cold", not "0% cold".
		fmt.Fprintf(w, "  Cost:               %s per 1M invokes (%.3g%% cold)   per month: %s\n",
			Dollars(g.CostPer1M), m.ColdRatio*100, strings.Join(monthly, ", "))
	}
	if g.Failed > 0 {
		fmt.Fprintf(w, "  Failed:             %d of %d invokes\n", g.Failed, g.Invokes)
	}
	fmt.Fprintln(w)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func volume(n float64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.0fB", n/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.0fM", n/1e6)
	}
	return fmt.Sprintf("%.0f", n)
}

func (m *Model) compareTable(w io.Writer) {
	var maxCold, maxWarm, maxCost float64
	for _, g := range m.Groups {
		maxCold = max(maxCold, g.Cold.Mean)
		maxWarm = max(maxWarm, g.Warm.Median)
		maxCost = max(maxCost, g.CostPer1M)
	}
	t := table.NewWriter()
	t.SetOutputMirror(w)
	t.SetStyle(table.StyleLight)
	t.Style().Options.SeparateRows = false
	t.Style().Format.Header = text.FormatDefault // as written: lower case
	t.AppendHeader(table.Row{"variant", "memory", "cold init (mean)", "", "first invoke", "warm p50", "", "max mem", "$ per 1M", ""})
	for _, g := range m.Groups {
		t.AppendRow(table.Row{
			g.Variant, fmt.Sprintf("%d MB", g.MemoryMB),
			orDash(g.Cold.N, Millis(g.Cold.Mean)), bar(g.Cold.Mean, maxCold, 10),
			orDash(g.FirstInvoke.N, Millis(g.FirstInvoke.Median)),
			orDash(g.Warm.N, Millis(g.Warm.Median)), bar(g.Warm.Median, maxWarm, 10),
			fmt.Sprintf("%d MB", g.MaxMemoryMB),
			Dollars(g.CostPer1M), bar(g.CostPer1M, maxCost, 10),
		})
	}
	t.SetColumnConfigs([]table.ColumnConfig{
		{Number: 2, Align: text.AlignRight}, {Number: 3, Align: text.AlignRight}, {Number: 5, Align: text.AlignRight},
		{Number: 6, Align: text.AlignRight}, {Number: 8, Align: text.AlignRight}, {Number: 9, Align: text.AlignRight},
	})
	t.Render()
	fmt.Fprintln(w)
}

func orDash(n int, s string) string {
	if n == 0 {
		return "–"
	}
	return s
}
