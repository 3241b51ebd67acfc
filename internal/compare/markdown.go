package compare

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Markdown writes the table as GitHub-flavoured Markdown (for a pull-request
// comment): the same sections as Text, each a table, with significant changes
// in bold and the confidence interval of the change beside them.
func (t *Table) Markdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "## %s → %s\n\n", mdCode(t.BaseLabel), mdCode(t.NewLabel))
	fmt.Fprintf(bw, "Medians ± %s confidence interval; change of the median with its interval, ~ when not significant (Mann-Whitney U, α=%s).\n",
		percent(t.Confidence), trimFloat(t.Alpha))
	for i := range t.Sections {
		s := &t.Sections[i]
		sc := t.cells(s, true)
		t.mdBlock(bw, title(s.Metric), sc.rows, sc.notes.lines(), s.Geomean != nil)
	}
	if len(t.Memory) > 0 {
		t.mdBlock(bw, "Max Memory Used", deltaCells(t.Memory, memoryMB), nil, false)
	}
	if len(t.Cost) > 0 {
		t.mdBlock(bw, fmt.Sprintf("Cost per 1M invokes (%s cold starts)", percent(t.ColdRatio)), deltaCells(t.Cost, usd), nil, false)
	}
	if len(t.OnlyBase)+len(t.OnlyNew) > 0 {
		fmt.Fprintln(bw)
		for _, k := range t.OnlyBase {
			fmt.Fprintf(bw, "- only in base: %s\n", mdEscape(k.String()))
		}
		for _, k := range t.OnlyNew {
			fmt.Fprintf(bw, "- only in new: %s\n", mdEscape(k.String()))
		}
	}
	if len(t.Warnings) > 0 {
		fmt.Fprintln(bw)
		for _, warn := range t.Warnings {
			fmt.Fprintf(bw, "> **warning:** %s\n>\n", mdEscape(warn))
		}
	}
	return bw.Flush()
}

// mdBlock writes one section as a Markdown table; geomean says the last row
// is the geomean, which is set in bold.
func (t *Table) mdBlock(w io.Writer, heading string, rows [][4]string, notes []string, geomean bool) {
	fmt.Fprintf(w, "\n### %s\n\n", mdEscape(heading))
	fmt.Fprintf(w, "| | %s | %s | vs base |\n|:--|--:|--:|:--|\n", mdEscape(t.BaseLabel), mdEscape(t.NewLabel))
	for i, r := range rows {
		name := mdEscape(r[0])
		if geomean && i == len(rows)-1 {
			name = "**" + name + "**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", name, strings.TrimSpace(r[1]), strings.TrimSpace(r[2]), r[3])
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintf(w, "%s  \n", mdEscape(n))
		}
	}
}

// mdEscape keeps user text (variant names, file names) from breaking a table.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`").Replace(s)
}

func mdCode(s string) string { return "`" + strings.ReplaceAll(s, "`", "'") + "`" }
