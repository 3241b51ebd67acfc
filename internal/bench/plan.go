package bench

import (
	"fmt"

	"github.com/coldstartlab/coldstart/internal/loadgen"
)

// Step is one phase for one variant at one memory size.
type Step struct {
	Variant    Variant
	MemoryMB   int // 0: the function's own
	Phase      Phase
	PhaseIndex int // position in the scenario's phases
}

// Label names the step for progress and errors.
func (s Step) Label() string {
	mem := "own memory"
	if s.MemoryMB > 0 {
		mem = fmt.Sprintf("%d MB", s.MemoryMB)
	}
	return fmt.Sprintf("%s @ %s · %s", s.Variant.Name, mem, s.Phase.describe())
}

func (ph Phase) describe() string {
	switch ph.Kind {
	case PhaseCold:
		return "cold (" + ph.Strategy + ")"
	case PhaseLoad:
		return fmt.Sprintf("load %g rps × %v", ph.Rate, ph.Duration)
	case PhaseBurst:
		return fmt.Sprintf("burst ×%d", ph.Concurrency)
	}
	return ph.Kind
}

// Plan expands the scenario: for each memory size, each variant runs every
// phase in order. Interleaving variants within a memory size keeps slow
// drifts of the target (time of day on AWS, a busy host) from favouring one.
func (sc *Scenario) Plan() []Step {
	mems := sc.Memory
	if len(mems) == 0 {
		mems = []int{0}
	}
	var steps []Step
	for _, mb := range mems {
		for _, v := range sc.Variants {
			for i, ph := range sc.Phases {
				steps = append(steps, Step{Variant: v, MemoryMB: mb, Phase: ph, PhaseIndex: i})
			}
		}
	}
	return steps
}

// Reps is how many repetitions the step has.
func (s Step) Reps() int {
	if s.Phase.Runs > 0 {
		return s.Phase.Runs
	}
	return 1
}

// Planned is how many measured samples one repetition of the step takes.
func (s Step) Planned() int {
	switch s.Phase.Kind {
	case PhaseLoad:
		return loadgen.Options{Rate: s.Phase.Rate, Duration: s.Phase.Duration}.Planned()
	case PhaseBurst:
		return s.Phase.Concurrency
	}
	return s.Phase.Samples
}

// key identifies a repetition of a step in a results file.
type key struct {
	variant    string
	memoryMB   int
	phaseIndex int
	rep        int
}

// progressOf indexes the measured samples a results file already holds, by
// repetition, so a resumed run skips exactly those.
func progressOf(samples []Sample) map[key]map[int]bool {
	done := map[key]map[int]bool{}
	for _, s := range samples {
		if s.Flag == FlagWarmup {
			continue
		}
		k := key{s.Variant, s.MemoryMB, s.PhaseIndex, s.Rep}
		if done[k] == nil {
			done[k] = map[int]bool{}
		}
		done[k][s.Seq] = true
	}
	return done
}

// remaining lists the seqs of a repetition that are not done yet.
func remaining(planned int, done map[int]bool) []int {
	// done may hold seqs beyond planned (a results file edited by hand).
	out := make([]int, 0, max(planned-len(done), 0))
	for i := range planned {
		if !done[i] {
			out = append(out, i)
		}
	}
	return out
}
