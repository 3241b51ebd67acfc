package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/report"
	"github.com/coldstartlab/coldstart/internal/stats"
	"github.com/spf13/cobra"
)

func newReportCmd() *cobra.Command {
	var (
		format, output, charts string
		coldRatio              float64
		seed                   uint64
	)
	cmd := &cobra.Command{
		Use:   "report [RESULTS.jsonl]",
		Short: "Summarise a results file as a table, Markdown, CSV, JSON or an HTML page",
		Long: `report reads a results file written by 'coldstart bench' (or stdin, or '-') and
renders its statistics, comparisons and costs. Every format is built from the
same model, so they always agree:

  table     the terminal summary with bars (default)
  markdown  tables for a blog post or a pull request; --charts DIR also writes PNG charts
  csv       one row per variant × memory × metric with every statistic and its CI
  json      the whole model, stable and documented (docs/report-json.md)
  html      one self-contained page with charts; it fetches nothing, so it can be mailed

Without --format, the format follows -o's extension (.html, .md, .csv, .json).`,
		Example: `  coldstart report results/quickstart-20261123-120000.jsonl
  coldstart report results.jsonl -o report.html
  coldstart report results.jsonl --format markdown --charts charts > REPORT.md
  coldstart bench examples/quickstart.yaml -o - -q | coldstart report --format csv`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "-"
			if len(args) == 1 {
				path = args[0]
			}
			if path == "-" && isTerminal(cmd.InOrStdin()) {
				return fmt.Errorf("give a results file (or pipe one in)")
			}
			if format == "" {
				format = formatFromExt(output)
			}
			res, err := readResults(path, cmd.InOrStdin())
			if err != nil {
				return err
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
			}
			m := report.Build(res, report.Options{Stats: stats.Options{Seed: seed}, ColdRatio: coldRatio})
			return writeOutput(output, cmd.OutOrStdout(), func(w io.Writer) error {
				return m.Render(w, format, report.RenderOptions{Color: output == "" && isTerminal(w), ChartsDir: charts})
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&format, "format", "f", "", "table, markdown, csv, json or html (default: from -o's extension, else table)")
	f.StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	f.StringVar(&charts, "charts", "", "markdown: write PNG charts into this directory and link them")
	f.Float64Var(&coldRatio, "cold-ratio", 0, "share of invokes assumed cold in cost figures (default: the run's)")
	f.Uint64Var(&seed, "seed", 1, "seed for the bootstrap confidence intervals")
	return cmd
}

func readResults(path string, stdin io.Reader) (*bench.Results, error) {
	if path == "-" {
		return bench.Read(stdin)
	}
	return bench.ReadFile(path)
}

func formatFromExt(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		return report.FormatHTML
	case ".md", ".markdown":
		return report.FormatMarkdown
	case ".csv":
		return report.FormatCSV
	case ".json":
		return report.FormatJSON
	}
	return report.FormatTable
}

// writeOutput runs write against path (a new file, replaced atomically) or stdout.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp's 0600 is for secrets; reports are for sharing
		return err
	}
	return os.Rename(tmp.Name(), path)
}
