package main

import (
	"errors"
	"io"

	"github.com/coldstartlab/coldstart/internal/analyze"
	"github.com/coldstartlab/coldstart/internal/cost"
	"github.com/coldstartlab/coldstart/internal/report"
	"github.com/coldstartlab/coldstart/internal/stats"
	"github.com/coldstartlab/coldstart/internal/version"
	"github.com/spf13/cobra"
)

func newAnalyzeCmd() *cobra.Command {
	var (
		o                      analyze.Options
		format, output, charts string
		coldRatio              float64
		seed                   uint64
	)
	cmd := &cobra.Command{
		Use:   "analyze FILE...",
		Short: "Report on real AWS Lambda invokes from CloudWatch logs or a Logs Insights export",
		Long: `analyze reads the REPORT lines of real AWS Lambda invokes and reports on them
exactly as 'coldstart report' does on a benchmark: cold starts (Init Duration)
with confidence intervals and percentiles, the first invoke's Duration, warm
Duration, Max Memory Used, cost per million invokes, and how the variants
compare.

Accepted inputs (detected per file; - or a pipe is stdin; .gz is unpacked):
  aws logs tail output                  timestamp, log stream, message
  aws logs filter-log-events output     text (--output text) or the default JSON
  aws logs get-log-events output, S3 exports, console copies, bare messages
  a Logs Insights export (CSV)          or aws logs get-query-results JSON
Both of Lambda's log formats are read: Text (REPORT lines) and JSON
(platform.report events). Everything else in the logs is ignored.

Variants: --label names one variant for everything; otherwise each function
the logs name (log group /aws/lambda/<fn>, the JSON format's functionArn,
Logs Insights' @log) is a variant, else each file (by its name); a variant
whose logs show several versions ([56] in the stream name) is split per
version. Every memory size is a group of its own.

What was read, found and skipped goes to stderr, malformed lines with their
line numbers. Client-side latency is not in the logs: only the platform's
figures are reported. Cost figures assume the observed share of cold starts
unless --cold-ratio is given; logs do not say the architecture (--arch).

A Logs Insights query that exports a suitable CSV (Export results → CSV):
  fields @timestamp, @requestId, @logStream, @duration, @billedDuration,
         @initDuration, @maxMemoryUsed, @memorySize
  | filter @type = "REPORT"
Add @log to compare several log groups in one query.`,
		Example: `  aws logs tail /aws/lambda/my-fn --since 1h > logs.txt && coldstart analyze logs.txt
  aws logs tail /aws/lambda/my-fn --since 1d | coldstart analyze --label my-fn
  coldstart analyze jit.txt aot.txt --format markdown -o REPORT.md
  coldstart analyze logs-insights-results.csv --region eu-west-1 --arch arm64
  aws logs filter-log-events --log-group-name /aws/lambda/my-fn --filter-pattern REPORT > events.json && coldstart analyze events.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			stdin, stderr := cmd.InOrStdin(), cmd.ErrOrStderr()
			if len(args) == 0 {
				if isTerminal(stdin) {
					return errors.New("no input: give log files (or pipe logs in); see coldstart analyze --help")
				}
				args = []string{"-"}
			}
			if format == "" {
				format = formatFromExt(output)
			}
			o.Stdin, o.Version = stdin, version.String()
			res, sum, err := analyze.Load(args, o)
			sum.Write(stderr)
			if err != nil {
				return err
			}
			ro := report.Options{Stats: stats.Options{Seed: seed}, ColdRatio: coldRatio}
			if res.Run.Target.Region == "" {
				p := cost.Default() // as the summary says; the logs name no region
				ro.Pricing = &p
			}
			m := report.Build(res, ro)
			return writeOutput(output, cmd.OutOrStdout(), func(w io.Writer) error {
				return m.Render(w, format, report.RenderOptions{Color: output == "" && isTerminal(w), ChartsDir: charts})
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Label, "label", "l", "", "one variant name for all invokes (default: per function, else per file)")
	f.StringVarP(&format, "format", "f", "", "table, markdown, csv, json or html (default: from -o's extension, else table)")
	f.StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	f.StringVar(&charts, "charts", "", "markdown: write PNG charts into this directory and link them")
	f.StringVar(&o.Region, "region", "", "AWS region for prices (default: the region the logs name, else us-east-1 prices)")
	f.StringVar(&o.Arch, "arch", "x86_64", "architecture the functions ran on, for prices: x86_64 or arm64")
	f.Float64Var(&coldRatio, "cold-ratio", 0, "share of invokes assumed cold in cost figures (default: the observed share)")
	f.Uint64Var(&seed, "seed", 1, "seed for the bootstrap confidence intervals")
	return cmd
}
