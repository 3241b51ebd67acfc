package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/compare"
	"github.com/spf13/cobra"
)

func newCompareCmd() *cobra.Command {
	var (
		o      compare.Options
		failIf []string
		format string
	)
	cmd := &cobra.Command{
		Use:   "compare BASE.jsonl NEW.jsonl",
		Short: "Compare two results files, benchstat-style; gate CI on regressions with --fail-if",
		Long: `compare sets two results files side by side: for every variant × memory size
in both, and every metric measured in both (cold.init, cold.first, cold.client,
warm.duration, warm.client, load.latency, burst.latency), the base and new
medians with their 95% confidence intervals and the change of the median with
its Mann-Whitney p-value. A change that is not significant prints as
"~ (p=0.45 n=50+50)"; too few samples (fewer than 5) print a footnote instead
of an interval or a test. Max Memory Used and cost per 1M invokes follow (no
test: they are single figures). Groups in one file only are listed. Files from
different scenarios are compared anyway, with a warning.

--fail-if COND (repeatable) exits with status 1 when a group breaks COND;
each violation is printed on stderr as a sentence with its numbers.

  COND       = <metric>.<stat> <op> <threshold>   |   memory|cost <op> <threshold>
  metric     cold.init, cold.first, cold.client, warm.duration, warm.client,
             load.latency, burst.latency, or the aliases
             cold = cold.init, warm = warm.duration, first = cold.first,
             load = load.latency, burst = burst.latency
  stat       p50 (or median), mean, p90, p95, p99, max, min
  op         >  fail on an increase beyond the threshold (a regression)
             <  fail on a decrease beyond it
  threshold  a percentage of the base value: +10%, or an amount:
             +2ms, +500us, +1s (latencies), +5MB (memory), +0.01 (dollars, cost)
             without a sign it takes op's direction: >10% is +10%, <10% is -10%

A latency condition is broken only when the change goes beyond the threshold
AND the difference is significant at --alpha: p50 uses the Mann-Whitney test
of the table; mean, p90, p95 and p99 a bootstrap of that statistic's ratio.
max and min (no meaningful test), memory and cost are decided by the threshold
alone. A group with too few samples is never a violation: it is reported on
stderr as not checked.`,
		Example: `  coldstart compare base.jsonl new.jsonl
  coldstart compare base.jsonl new.jsonl --format markdown > comparison.md
  coldstart compare base.jsonl new.jsonl --fail-if "cold.p50>+10%" --fail-if "memory>+5MB"

  # In CI: run the same scenario on main and on the pull request, then gate.
  coldstart bench scenario.yaml -o base.jsonl   # on a checkout of main
  coldstart bench scenario.yaml -o new.jsonl    # on the pull request's checkout
  coldstart compare base.jsonl new.jsonl --fail-if "cold.p50>+10%" --fail-if "warm.p99>+20%"`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			if !slices.Contains(compare.FormatNames, format) {
				return fmt.Errorf("unknown --format %q (want %s)", format, strings.Join(compare.FormatNames, ", "))
			}
			if !(o.Alpha > 0 && o.Alpha < 1) {
				return fmt.Errorf("--alpha %v: want a level between 0 and 1, e.g. 0.05", o.Alpha)
			}
			var conds []compare.Condition
			var errs []error
			for _, s := range failIf {
				c, err := compare.ParseCondition(s)
				if err != nil {
					errs = append(errs, fmt.Errorf("--fail-if: %w", err))
				}
				conds = append(conds, c)
			}
			if err := errors.Join(errs...); err != nil {
				return err
			}
			if args[0] == "-" && args[1] == "-" {
				return errors.New("only one of BASE and NEW can be - (stdin)")
			}
			base, err := bench.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("read base results: %w", err)
			}
			next, err := bench.ReadFile(args[1])
			if err != nil {
				return fmt.Errorf("read new results: %w", err)
			}
			o.BaseLabel, o.NewLabel = args[0], args[1]
			t := compare.Compare(base, next, o)
			if err := t.Render(stdout, format); err != nil {
				return err
			}
			if format == compare.FormatJSON {
				for _, w := range t.Warnings { // in the JSON too, but a person should see them
					fmt.Fprintln(stderr, "warning:", w)
				}
			}
			if len(conds) == 0 {
				return nil
			}
			for _, note := range t.Unchecked(conds) {
				fmt.Fprintln(stderr, "warning:", note)
			}
			vs := t.Check(conds)
			for _, v := range vs {
				fmt.Fprintln(stderr, "FAIL", v.Text)
			}
			if len(vs) > 0 {
				return &exitError{code: 1, msg: fmt.Sprintf("--fail-if: %d of %d conditions broken", brokenConditions(vs), len(conds))}
			}
			fmt.Fprintln(stderr, "ok: every --fail-if condition holds")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&failIf, "fail-if", nil, `exit 1 if a group breaks this condition, e.g. "cold.p50>+10%" (repeatable)`)
	f.StringVar(&format, "format", compare.FormatText, "output format: "+strings.Join(compare.FormatNames, ", "))
	f.Float64Var(&o.Alpha, "alpha", compare.DefaultAlpha, "significance level of the tests")
	f.Uint64Var(&o.Stats.Seed, "seed", 1, "seed for the bootstrap confidence intervals")
	return cmd
}

// brokenConditions counts the distinct conditions among violations.
func brokenConditions(vs []compare.Violation) int {
	seen := map[string]bool{}
	for _, v := range vs {
		seen[v.Condition.Text] = true
	}
	return len(seen)
}
