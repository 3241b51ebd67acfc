package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// Runner executes a scenario's plan against a target.
type Runner struct {
	Scenario *Scenario
	Target   Target
	Out      *Writer
	Progress Progress
	RunID    string
	// Previous holds the samples of the run being resumed (nil for a new run).
	Previous []Sample

	mu      sync.Mutex
	samples []Sample // everything recorded, previous included
	infos   map[string]VariantInfo
	done    map[key]map[int]bool
}

// Samples returns every sample of the run so far.
func (r *Runner) Samples() []Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Sample(nil), r.samples...)
}

// Describe asks the target about every variant's function, for the run
// header, and remembers their configurations for Restore.
func (r *Runner) Describe(ctx context.Context) ([]VariantInfo, error) {
	r.infos = map[string]VariantInfo{}
	var out []VariantInfo
	for _, v := range r.Scenario.Variants {
		info, err := r.Target.Function(ctx, v.Function)
		if err != nil {
			return nil, fmt.Errorf("variant %s: %w", v.Name, err)
		}
		info.Name = v.Name
		if v.Arch != "" {
			info.Arch = v.Arch
		}
		r.infos[v.Name] = info
		out = append(out, info)
	}
	return out, nil
}

// Run executes the plan. Cancelling ctx stops it between invokes; what was
// collected stays in the results file.
func (r *Runner) Run(ctx context.Context) error {
	if r.infos == nil {
		if _, err := r.Describe(ctx); err != nil {
			return err
		}
	}
	r.samples = append(r.samples, r.Previous...)
	r.done = progressOf(r.Previous)
	current := map[string]int{} // function → memory set by this run
	for _, step := range r.Scenario.Plan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		info := r.infos[step.Variant.Name]
		mb := step.MemoryMB
		if mb == 0 {
			mb = info.MemoryMB
		}
		if r.complete(step, mb) {
			continue
		}
		if step.MemoryMB > 0 && current[step.Variant.Function] != mb {
			r.Progress.Log("%s: setting memory to %d MB", step.Variant.Name, mb)
			if err := r.Target.SetMemory(ctx, step.Variant.Function, mb); err != nil {
				return fmt.Errorf("%s: set memory %d MB: %w", step.Variant.Name, mb, err)
			}
			current[step.Variant.Function] = mb
		}
		d := &driver{r: r, step: step, memoryMB: mb, arch: info.Arch, payload: r.payload(step.Variant)}
		if err := d.run(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) payload(v Variant) []byte {
	if v.Payload != nil {
		return v.Payload
	}
	return r.Scenario.Payload
}

func (r *Runner) complete(step Step, mb int) bool {
	for rep := range step.Reps() {
		if len(remaining(step.Planned(), r.done[key{step.Variant.Name, mb, step.PhaseIndex, rep}])) > 0 {
			return false
		}
	}
	return true
}

// record appends a sample to the file and to the run's memory.
func (r *Runner) record(s Sample) error {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
	return r.Out.Sample(s)
}

// driver runs one step.
type driver struct {
	r        *Runner
	step     Step
	memoryMB int
	arch     string
	payload  []byte
}

func (d *driver) run(ctx context.Context) error {
	switch d.step.Phase.Kind {
	case PhaseCold:
		return d.cold(ctx)
	case PhaseWarm:
		return d.warm(ctx)
	case PhaseLoad:
		return d.load(ctx)
	case PhaseBurst:
		return d.burst(ctx)
	}
	return fmt.Errorf("unknown phase %q", d.step.Phase.Kind)
}

func (d *driver) todo(rep int) []int {
	k := key{d.step.Variant.Name, d.memoryMB, d.step.PhaseIndex, rep}
	return remaining(d.step.Planned(), d.r.done[k])
}

// invoke makes one invoke and turns it into a sample.
func (d *driver) invoke(ctx context.Context, rep, seq int) Sample {
	inv := d.r.Target.Invoke(ctx, d.step.Variant.Function, d.payload)
	return d.sample(inv, rep, seq, inv.Sent)
}

func (d *driver) sample(inv Invocation, rep, seq int, intended time.Time) Sample {
	s := Sample{
		Run: d.r.RunID, Variant: d.step.Variant.Name, Phase: d.step.Phase.Kind, PhaseIndex: d.step.PhaseIndex,
		MemoryMB: d.memoryMB, Arch: d.arch, Rep: rep, Seq: seq, RequestID: inv.RequestID,
		IntendedAt: intended, SentAt: inv.Sent, DoneAt: inv.Done, Status: inv.Status,
		FunctionError: inv.FunctionError,
		ClientMS:      float64(inv.Done.Sub(intended)) / float64(time.Millisecond),
	}
	if inv.Err != nil {
		s.Error = inv.Err.Error()
	}
	if inv.HasReport {
		r := inv.Report
		s.Cold, s.InitMS, s.DurationMS, s.BilledMS = r.HasInit, r.InitDurationMS, r.DurationMS, r.BilledMS
		s.MaxMemoryMB, s.ReportStatus, s.ErrorType = r.MaxMemoryUsedMB, r.Status, r.ErrorType
	}
	if s.ErrorType == "" && s.FunctionError != "" {
		var e struct {
			ErrorType string `json:"errorType"`
		}
		if json.Unmarshal(inv.Payload, &e) == nil {
			s.ErrorType = e.ErrorType
		}
	}
	// An invoke that got no response (throttled, refused) found no
	// environment at all: it is a failure, not a not-cold sample.
	if s.Phase == PhaseCold && !s.Cold && inv.Err == nil {
		s.Flag = FlagNotCold
	}
	return s
}
