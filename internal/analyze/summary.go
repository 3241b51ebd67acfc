package analyze

import (
	"fmt"
	"io"
	"strings"

	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// Summary says what Load read, found and left out, so that nothing is
// dropped silently.
type Summary struct {
	Files      []FileSummary
	Groups     []GroupSummary // variant × memory size, in order of appearance
	Samples    int            // REPORT lines turned into samples
	Cold       int            // of them with Init Duration
	Duplicates int            // REPORT lines seen twice (overlapping captures), counted once
	ColdRatio  float64        // Cold / Samples; 0 when no cold start was seen
	Region     string         // the region prices are for ("" if unknown)
}

// FileSummary is one input.
type FileSummary struct {
	Path        string
	Format      string // reportlog.Format*
	Lines       int    // lines, events or rows read
	Reports     int
	InitReports int
	FailedInits int // INIT_REPORT lines with a Status
	Skipped     int // Insights rows that are not REPORT rows
	Malformed   int
	Examples    []reportlog.Malformed
	Missing     []string // Insights columns the export lacks
}

// GroupSummary is one variant at one memory size.
type GroupSummary struct {
	Variant    string
	MemoryMB   int
	Invokes    int
	Cold, Warm int
	Failed     int // REPORTs with Status timeout or error
}

func summarizeFiles(files []input) Summary {
	var s Summary
	for _, f := range files {
		fs := FileSummary{
			Path: displayName(f.path), Format: f.scan.Format, Lines: f.scan.Lines, Reports: len(f.scan.Reports),
			InitReports: len(f.scan.InitReports), Skipped: f.scan.Skipped, Malformed: f.scan.Malformed,
			Examples: f.scan.Examples, Missing: f.scan.Missing,
		}
		for _, r := range f.scan.InitReports {
			if r.Report.Status != "" {
				fs.FailedInits++
			}
		}
		s.Files = append(s.Files, fs)
	}
	return s
}

// Write prints the summary for people (analyze writes it to stderr).
func (s Summary) Write(w io.Writer) {
	for _, f := range s.Files {
		unit := "line"
		switch f.Format {
		case reportlog.FormatInsightsCSV, reportlog.FormatInsightsJSON:
			unit = "row"
		case reportlog.FormatEventsJSON:
			unit = "event"
		}
		parts := []string{plural(f.Reports, "REPORT")}
		if f.InitReports > 0 {
			parts = append(parts, fmt.Sprintf("%s (%d failed)", plural(f.InitReports, "INIT_REPORT"), f.FailedInits))
		}
		if f.Skipped > 0 {
			parts = append(parts, fmt.Sprintf("%d other rows skipped", f.Skipped))
		}
		if f.Malformed > 0 {
			parts = append(parts, fmt.Sprintf("%d malformed", f.Malformed))
		}
		fmt.Fprintf(w, "%s: %s, %s: %s\n", f.Path, f.Format, plural(f.Lines, unit), strings.Join(parts, ", "))
		for _, e := range f.Examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
		if f.Malformed > len(f.Examples) {
			fmt.Fprintf(w, "  … and %d more\n", f.Malformed-len(f.Examples))
		}
		if len(f.Missing) > 0 {
			fmt.Fprintf(w, "  no %s column: those values are 0\n", strings.Join(f.Missing, ", "))
		}
	}
	if len(s.Groups) > 0 {
		fmt.Fprintln(w, "variants:")
	}
	for _, g := range s.Groups {
		line := fmt.Sprintf("  %s @ %d MB: %s (%d cold, %d warm)", g.Variant, g.MemoryMB, plural(g.Invokes, "invoke"), g.Cold, g.Warm)
		if g.Failed > 0 {
			line += fmt.Sprintf(", %d failed", g.Failed)
		}
		fmt.Fprintln(w, line)
	}
	if s.Duplicates > 0 {
		fmt.Fprintf(w, "%s counted once\n", plural(s.Duplicates, "duplicate REPORT"))
	}
	if s.Samples > 0 && s.Region == "" {
		fmt.Fprintln(w, "prices: us-east-1 list prices (the logs name no region; --region sets one)")
	}
	if s.Samples > 0 {
		if s.Cold > 0 {
			fmt.Fprintf(w, "cold starts: %d of %d invokes (%.3g%%); cost figures assume this share unless --cold-ratio is given\n",
				s.Cold, s.Samples, s.ColdRatio*100)
		} else {
			fmt.Fprintf(w, "cold starts: none in %s\n", plural(s.Samples, "invoke"))
		}
	}
}
