// Package benchrun runs a scenario end to end: it picks the target, creates
// or resumes the results file, runs the plan, restores whatever the run
// changed (also after Ctrl-C), and builds the report model of what was
// collected. It is what `coldstart bench` calls; tests call it in-process.
package benchrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/bench/target"
	"github.com/coldstartlab/coldstart/internal/cost"
	"github.com/coldstartlab/coldstart/internal/report"
	"github.com/coldstartlab/coldstart/internal/stats"
)

// Options configures a run. Target, Endpoint, Region and Profile override
// the scenario's target section.
type Options struct {
	Scenario  string
	Output    string // results file; "" = results/<name>-<time>.jsonl; "-" = stdout
	Resume    string // a results file to continue instead of starting anew
	Target    string // local | endpoint | aws
	Endpoint  string
	Region    string
	Profile   string
	ColdRatio float64 // 0: the scenario's
	Seed      uint64  // bootstrap seed for the summary's intervals
	Progress  bench.Progress
	BuildLog  io.Writer // local target: build progress
	Version   string
	// Runtimes overrides the scenario's local.runtimes, key by key.
	Runtimes map[string]string
}

// Outcome is what a run produced.
type Outcome struct {
	ResultsPath string
	Samples     int // recorded in this file, previous sessions included
	Model       *report.Model
	Interrupted bool // stopped by ctx (Ctrl-C) before the plan was done
}

// Run runs the scenario. A cancelled ctx is not an error: the outcome says
// Interrupted and holds what was collected.
func Run(ctx context.Context, o Options) (*Outcome, error) {
	sc, err := bench.Load(o.Scenario)
	if err != nil {
		return nil, err
	}
	progress := o.Progress
	if progress == nil {
		progress = bench.NopProgress{}
	}
	var previous *bench.Results
	if o.Resume != "" {
		if previous, err = bench.ReadFile(o.Resume); err != nil {
			return nil, fmt.Errorf("resume: %w", err)
		}
		if previous.Run.ScenarioHash != sc.Hash {
			return nil, fmt.Errorf("resume: %s has changed since %s was started (scenario hash %.12s…, now %.12s…); start a new run instead",
				o.Scenario, o.Resume, previous.Run.ScenarioHash, sc.Hash)
		}
		for _, w := range previous.Warnings {
			progress.Log("resume: %s", w)
		}
	}

	t, closer, err := startTarget(ctx, sc, o)
	if err != nil {
		return nil, err
	}
	if closer != nil {
		defer closer.Close()
	}
	runner := &bench.Runner{Scenario: sc, Target: t, Progress: progress}
	variants, err := runner.Describe(ctx)
	if err != nil {
		return nil, err
	}
	// From here on the target may be changed: put it back whatever happens.
	defer func() {
		if rerr := t.Restore(ctx); rerr != nil {
			progress.Log("warning: could not restore the functions' configuration: %v", rerr)
		}
	}()

	out := &Outcome{}
	var w *bench.Writer
	var header bench.Run
	if previous != nil {
		header = previous.Run
		runner.Previous = previous.Samples
		out.ResultsPath = o.Resume
		w, err = bench.Append(o.Resume, previous.ValidBytes)
	} else {
		header = bench.Run{
			ID: newRunID(), Started: time.Now().UTC(), ScenarioPath: o.Scenario, Scenario: string(sc.Raw),
			ScenarioHash: sc.Hash, Target: t.Info(), Host: bench.CurrentHost(), Version: o.Version,
			Variants: variants, ColdRatio: coldRatio(o, sc),
		}
		out.ResultsPath = o.Output
		if out.ResultsPath == "" {
			out.ResultsPath = defaultPath(sc.Name, header.Started)
			if err := os.MkdirAll(filepath.Dir(out.ResultsPath), 0o755); err != nil {
				return nil, err
			}
		}
		w, err = bench.Create(out.ResultsPath, header)
	}
	if err != nil {
		return nil, err
	}
	runner.Out, runner.RunID = w, header.ID
	runErr := runner.Run(ctx)
	progress.Close()
	if cerr := w.Close(); cerr != nil && runErr == nil {
		runErr = cerr
	}
	if runErr != nil {
		if ctx.Err() == nil || !errors.Is(runErr, ctx.Err()) {
			return out, runErr
		}
		out.Interrupted = true
	}
	samples := runner.Samples()
	out.Samples = len(samples)
	out.Model = report.Build(&bench.Results{Run: header, Samples: samples}, report.Options{
		Stats: stats.Options{Seed: o.Seed}, ColdRatio: coldRatio(o, sc), Pricing: pricing(sc, header.Target.Region),
	})
	out.Model.Warnings = append(out.Model.Warnings, contention(sc, header)...)
	if previous != nil {
		// Shown with the summary too, so a quiet (-q) run still says what
		// it skipped in the file it continued.
		for _, w := range previous.Warnings {
			out.Model.Warnings = append(out.Model.Warnings, o.Resume+": "+w)
		}
	}
	return out, nil
}

// contention warns when a local run started more environments at once than
// the host has CPUs: their inits competed for CPU, which on AWS (an
// environment per micro-VM) they would not.
func contention(sc *bench.Scenario, run bench.Run) []string {
	if run.Target.Kind != "local" {
		return nil
	}
	var out []string
	for _, ph := range sc.Phases {
		n := 0
		switch {
		case ph.Kind == bench.PhaseCold && ph.Strategy == bench.StrategyParallel:
			n = ph.Concurrency
		case ph.Kind == bench.PhaseBurst && ph.Fresh:
			n = ph.Concurrency
		}
		if n > run.Host.CPUs {
			out = append(out, fmt.Sprintf("%s:%d: %d environments started at once on %d CPUs: their Init Durations include CPU contention that AWS would not have; use concurrency ≤ %d for per-start figures",
				sc.Path, ph.Line, n, run.Host.CPUs, run.Host.CPUs))
		}
	}
	return out
}

func startTarget(ctx context.Context, sc *bench.Scenario, o Options) (bench.Target, io.Closer, error) {
	kind, endpoint, region, profile := sc.Target.Kind, sc.Target.Endpoint, sc.Target.Region, sc.Target.Profile
	if o.Target != "" {
		kind = o.Target
	}
	if o.Endpoint != "" {
		endpoint = o.Endpoint
		if o.Target == "" {
			kind = "endpoint"
		}
	}
	if o.Region != "" {
		region = o.Region
	}
	if o.Profile != "" {
		profile = o.Profile
	}
	switch kind {
	case "", "local":
		t, closer, err := target.Local(ctx, target.LocalOptions{Template: sc.Template, IdleTimeout: sc.Local.IdleTimeout,
			Sandbox: sc.Local.Sandbox, Region: region, Version: o.Version, BuildLog: o.BuildLog, CPUScale: sc.Local.CPUScale,
			Runtimes: mergeRuntimes(sc.Local.Runtimes, o.Runtimes), Functions: functionsOf(sc)})
		return t, closer, err
	case "endpoint":
		if endpoint == "" {
			return nil, nil, errors.New("target endpoint needs an endpoint URL (--endpoint-url)")
		}
		t, err := target.Endpoint(ctx, endpoint, region)
		return t, nil, err
	case "aws":
		t, err := target.AWS(ctx, region, profile)
		return t, nil, err
	}
	return nil, nil, fmt.Errorf("unknown target %q: want local, endpoint or aws", kind)
}

func coldRatio(o Options, sc *bench.Scenario) float64 {
	if o.ColdRatio > 0 {
		return o.ColdRatio
	}
	return sc.ColdRatio
}

// pricing applies the scenario's price overrides, if any.
func pricing(sc *bench.Scenario, region string) *cost.Pricing {
	ps := sc.Pricing
	if ps.Region == "" && !ps.SetPrices && ps.MBPerGB == 0 {
		return nil
	}
	if ps.Region != "" {
		region = ps.Region
	}
	p, ok := cost.Lookup(region)
	if !ok {
		p = cost.Default()
	}
	p.PerGBSecond = maps.Clone(p.PerGBSecond) // the table is shared
	if ps.X86 > 0 {
		p.PerGBSecond[cost.X86] = ps.X86
	}
	if ps.ARM > 0 {
		p.PerGBSecond[cost.ARM] = ps.ARM
	}
	if ps.PerRequest > 0 {
		p.PerRequest = ps.PerRequest
	}
	if ps.MBPerGB > 0 {
		p.MBPerGB = ps.MBPerGB
	}
	return &p
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

func defaultPath(name string, t time.Time) string {
	return filepath.Join("results", unsafeName.ReplaceAllString(name, "-")+"-"+t.Local().Format("20060102-150405")+".jsonl")
}

func newRunID() string {
	return time.Now().UTC().Format("20060102T150405Z") + "-" + fmt.Sprintf("%04x", time.Now().UnixNano()&0xffff)
}

// mergeRuntimes lays the command line's interpreter overrides over the scenario's.
func mergeRuntimes(scenario, flags map[string]string) map[string]string {
	out := maps.Clone(scenario)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, flags)
	return out
}

// functionsOf lists the functions a scenario's variants use.
func functionsOf(sc *bench.Scenario) []string {
	var out []string
	for _, v := range sc.Variants {
		out = append(out, v.Function)
	}
	return out
}
