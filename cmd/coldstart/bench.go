package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/benchrun"
	"github.com/coldstartlab/coldstart/internal/report"
	"github.com/coldstartlab/coldstart/internal/version"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

func newBenchCmd() *cobra.Command {
	var (
		o        benchrun.Options
		quiet    bool
		noReport bool
	)
	cmd := &cobra.Command{
		Use:   "bench SCENARIO",
		Short: "Run a benchmark scenario: cold starts, warm invokes, load and bursts",
		Long: `bench runs the scenario file's variants × memory sizes × phases and streams one
sample per invocation to a results file (JSON lines), then prints a summary:
cold Init Duration with its confidence interval and percentiles, the first
invoke's Duration, warm latency, Max Memory Used and cost per million invokes,
and how the variants compare.

Targets (all through the Lambda API with aws-sdk-go-v2, LogType Tail):
  local     the embedded platform on 127.0.0.1, built from the scenario's SAM
            template (default; no AWS account needed)
  endpoint  any Lambda-API server (--endpoint-url), e.g. another 'coldstart serve'
  aws       AWS Lambda itself (default credential chain, --region, --profile);
            memory sizes and cold starts are set with UpdateFunctionConfiguration
            and every function's configuration is restored afterwards, also on Ctrl-C

Ctrl-C stops cleanly: the results so far are kept and summarised, and
--resume FILE continues the run. Beside the results file, bench writes a
self-contained HTML report (same name, .html); 'coldstart report' renders
any results file in other formats. The scenario format is in docs/scenarios.md.`,
		Example: `  coldstart bench examples/quickstart.yaml
  coldstart bench examples/quickstart.yaml -o results.jsonl
  coldstart bench examples/quickstart.yaml --resume results.jsonl
  coldstart bench my-scenario.yaml --target aws --region eu-west-1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			o.Scenario, o.Version, o.BuildLog = args[0], version.String(), stderr
			if err := checkRuntimeFlag(o.Runtimes); err != nil {
				return err
			}
			switch {
			case quiet:
				o.Progress = bench.NopProgress{}
			case isTerminal(stderr):
				o.Progress = bench.NewBarProgress(stderr)
			default:
				o.Progress = &bench.LineProgress{W: stderr}
			}
			summary := stdout
			if o.Output == "-" {
				summary = stderr // stdout carries the results
			}
			out, err := benchrun.Run(cmd.Context(), o)
			if err != nil {
				if out != nil && out.ResultsPath != "" && out.ResultsPath != "-" {
					fmt.Fprintf(stderr, "results so far: %s (continue with --resume %s)\n", out.ResultsPath, out.ResultsPath)
				}
				return err
			}
			fmt.Fprintln(summary)
			out.Model.Table(summary, report.TableOptions{Color: isTerminal(summary)})
			if out.ResultsPath != "-" {
				fmt.Fprintf(stderr, "%d samples in %s\n", out.Samples, out.ResultsPath)
				if !noReport {
					page := strings.TrimSuffix(out.ResultsPath, filepath.Ext(out.ResultsPath)) + ".html"
					if err := writeOutput(page, nil, func(w io.Writer) error { return out.Model.HTML(w) }); err != nil {
						return fmt.Errorf("write report: %w", err)
					}
					fmt.Fprintf(stderr, "report: %s\n", page)
				}
			}
			if out.Interrupted {
				return &exitError{code: 130, msg: fmt.Sprintf("interrupted; continue with: coldstart bench %s --resume %s", o.Scenario, out.ResultsPath)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Output, "output", "o", "", "results file (default results/<scenario>-<time>.jsonl; - for stdout)")
	f.StringVar(&o.Resume, "resume", "", "continue the run recorded in this results file")
	f.StringVar(&o.Target, "target", "", "local, endpoint or aws (default: the scenario's, else local)")
	f.StringVar(&o.Endpoint, "endpoint-url", "", "Lambda API endpoint for --target endpoint")
	f.StringVar(&o.Region, "region", "", "AWS region (aws target; prices)")
	f.StringVar(&o.Profile, "profile", "", "AWS shared-config profile (aws target)")
	f.Float64Var(&o.ColdRatio, "cold-ratio", 0, "share of invokes assumed cold in cost figures (default: the scenario's, else 0.01)")
	f.Uint64Var(&o.Seed, "seed", 1, "seed for the bootstrap confidence intervals")
	addRuntimeFlag(f, &o.Runtimes)
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress display")
	f.BoolVar(&noReport, "no-report", false, "do not write the HTML report beside the results file")
	return cmd
}

// isTerminal reports whether w is a terminal with a known width: bars drawn
// into a zero-width terminal (some CI runners' ptys) would be invisible.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	return err == nil && ws.Col > 0
}
