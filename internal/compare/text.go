package compare

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/coldstartlab/coldstart/internal/bench"
)

// Formats the table renders in.
const (
	FormatText     = "text"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

// FormatNames lists the formats, for flags and errors.
var FormatNames = []string{FormatText, FormatMarkdown, FormatJSON}

// Render writes the table in a format ("" is text).
func (t *Table) Render(w io.Writer, format string) error {
	switch format {
	case FormatText, "":
		return t.Text(w)
	case FormatMarkdown:
		return t.Markdown(w)
	case FormatJSON:
		return t.JSON(w)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(FormatNames, ", "))
}

// Text writes the table in benchstat's manner: a section per metric with a
// row per group (base and new median ± confidence interval, then the change
// with its p-value, or ~ when it is not significant), a geomean row when
// there are two groups or more, footnotes instead of numbers the data cannot
// support; then Max Memory Used, cost, unmatched groups and warnings.
func (t *Table) Text(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "base: %s%s\n", t.BaseLabel, runInfo(t.BaseRun))
	fmt.Fprintf(bw, "new:  %s%s\n", t.NewLabel, runInfo(t.NewRun))
	fmt.Fprintf(bw, "medians ± %s confidence interval; change of the median, ~ when not significant (Mann-Whitney U, α=%s)\n",
		percent(t.Confidence), trimFloat(t.Alpha))
	for i := range t.Sections {
		s := &t.Sections[i]
		sc := t.cells(s, false)
		t.textBlock(bw, title(s.Metric), sc.rows, sc.notes.lines())
	}
	if len(t.Memory) > 0 {
		t.textBlock(bw, "Max Memory Used", deltaCells(t.Memory, memoryMB), nil)
	}
	if len(t.Cost) > 0 {
		t.textBlock(bw, fmt.Sprintf("Cost per 1M invokes (%s cold starts)", percent(t.ColdRatio)), deltaCells(t.Cost, usd), nil)
	}
	if len(t.OnlyBase)+len(t.OnlyNew) > 0 {
		fmt.Fprintln(bw)
		for _, k := range t.OnlyBase {
			fmt.Fprintf(bw, "only in base: %s\n", k)
		}
		for _, k := range t.OnlyNew {
			fmt.Fprintf(bw, "only in new:  %s\n", k)
		}
	}
	if len(t.Warnings) > 0 {
		fmt.Fprintln(bw)
		for _, warn := range t.Warnings {
			fmt.Fprintf(bw, "warning: %s\n", warn)
		}
	}
	return bw.Flush()
}

// textBlock writes one aligned section: a heading, the column labels, the
// rows and their footnotes.
func (t *Table) textBlock(w io.Writer, heading string, rows [][4]string, notes []string) {
	header := [4]string{"", t.BaseLabel, t.NewLabel, "vs base"}
	var widths [4]int
	for _, r := range append([][4]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], width(c))
		}
	}
	line := func(r [4]string) {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(pad(c, widths[i], false))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	fmt.Fprintf(w, "\n%s\n", heading)
	line(header)
	for _, r := range rows {
		line(r)
	}
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
}

// runInfo describes a results file's run briefly: "  (run r1, local, coldstart v0.3.0)".
func runInfo(r bench.Run) string {
	var parts []string
	if r.ID != "" {
		parts = append(parts, "run "+r.ID)
	}
	if r.Target.Kind != "" {
		target := r.Target.Kind
		if r.Target.Kind == "aws" && r.Target.Region != "" {
			target += " " + r.Target.Region
		}
		parts = append(parts, target)
	}
	if r.Version != "" {
		parts = append(parts, "coldstart "+r.Version)
	}
	if len(parts) == 0 {
		return ""
	}
	return "  (" + strings.Join(parts, ", ") + ")"
}
