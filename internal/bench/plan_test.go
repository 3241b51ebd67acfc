package bench

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func TestPlanOrder(t *testing.T) {
	a, b := Variant{Name: "a", Function: "A"}, Variant{Name: "b", Function: "B"}
	cold, warm := Phase{Kind: PhaseCold, Samples: 2, Strategy: StrategyReconfigure}, Phase{Kind: PhaseWarm, Samples: 3, Warmup: 1}
	tests := []struct {
		name   string
		memory []int
		want   []string // variant@memory#phase index
	}{
		{"memory-major, then variant, then phase", []int{512, 128},
			[]string{"a@512#0", "a@512#1", "b@512#0", "b@512#1", "a@128#0", "a@128#1", "b@128#0", "b@128#1"}},
		{"memory omitted: one pass at the function's own", nil,
			[]string{"a@0#0", "a@0#1", "b@0#0", "b@0#1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := &Scenario{Memory: tt.memory, Variants: []Variant{a, b}, Phases: []Phase{cold, warm}}
			var got []string
			for _, st := range sc.Plan() {
				got = append(got, fmt.Sprintf("%s@%d#%d", st.Variant.Name, st.MemoryMB, st.PhaseIndex))
				if st.Phase != sc.Phases[st.PhaseIndex] {
					t.Errorf("step %s carries phase %+v", got[len(got)-1], st.Phase)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("plan\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestStepPlannedAndReps(t *testing.T) {
	tests := []struct {
		name          string
		phase         Phase
		memoryMB      int
		planned, reps int
		label         string
	}{
		{name: "cold", phase: Phase{Kind: PhaseCold, Samples: 20, Strategy: StrategyParallel, Concurrency: 5},
			planned: 20, reps: 1, memoryMB: 512, label: "v @ 512 MB · cold (parallel)"},
		{name: "warm counts samples, not warmups", phase: Phase{Kind: PhaseWarm, Samples: 100, Warmup: 5},
			planned: 100, reps: 1, label: "v @ own memory · warm"},
		{name: "load is rate × duration", phase: Phase{Kind: PhaseLoad, Rate: 1, Duration: 5 * time.Minute, Runs: 3},
			planned: 300, reps: 3, memoryMB: 128, label: "v @ 128 MB · load 1 rps × 5m0s"},
		{name: "load rounds a partial request up", phase: Phase{Kind: PhaseLoad, Rate: 50, Duration: 90 * time.Millisecond, Runs: 1},
			planned: 5, reps: 1, label: "v @ own memory · load 50 rps × 90ms"},
		{name: "load below one request per run still sends the first", phase: Phase{Kind: PhaseLoad, Rate: 0.5, Duration: time.Second},
			planned: 1, reps: 1, label: "v @ own memory · load 0.5 rps × 1s"},
		{name: "burst is its concurrency", phase: Phase{Kind: PhaseBurst, Concurrency: 50, Runs: 2},
			planned: 50, reps: 2, label: "v @ own memory · burst ×50"},
		{name: "runs 0 is one rep", phase: Phase{Kind: PhaseBurst, Concurrency: 3},
			planned: 3, reps: 1, label: "v @ own memory · burst ×3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := Step{Variant: Variant{Name: "v"}, MemoryMB: tt.memoryMB, Phase: tt.phase}
			if got := st.Planned(); got != tt.planned {
				t.Errorf("Planned() = %d, want %d", got, tt.planned)
			}
			if got := st.Reps(); got != tt.reps {
				t.Errorf("Reps() = %d, want %d", got, tt.reps)
			}
			if got := st.Label(); got != tt.label {
				t.Errorf("Label() = %q, want %q", got, tt.label)
			}
		})
	}
}

func TestProgressOf(t *testing.T) {
	samples := []Sample{
		{Variant: "a", MemoryMB: 128, PhaseIndex: 1, Rep: 0, Seq: 0, Flag: FlagWarmup},
		{Variant: "a", MemoryMB: 128, PhaseIndex: 1, Rep: 0, Seq: 1, Flag: FlagWarmup},
		{Variant: "a", MemoryMB: 128, PhaseIndex: 1, Rep: 0, Seq: 0},
		{Variant: "a", MemoryMB: 128, PhaseIndex: 1, Rep: 0, Seq: 3, Error: "throttled"}, // failures are data: done
		{Variant: "a", MemoryMB: 128, PhaseIndex: 0, Rep: 0, Seq: 0, Flag: FlagNotCold},
		{Variant: "a", MemoryMB: 512, PhaseIndex: 1, Rep: 0, Seq: 1},
		{Variant: "b", MemoryMB: 128, PhaseIndex: 2, Rep: 1, Seq: 2},
		{Variant: "b", MemoryMB: 128, PhaseIndex: 2, Rep: 1, Seq: 2}, // a duplicate counts once
	}
	want := map[key]map[int]bool{
		{"a", 128, 1, 0}: {0: true, 3: true},
		{"a", 128, 0, 0}: {0: true},
		{"a", 512, 1, 0}: {1: true},
		{"b", 128, 2, 1}: {2: true},
	}
	if got := progressOf(samples); !reflect.DeepEqual(got, want) {
		t.Errorf("progressOf\n got %v\nwant %v", got, want)
	}
	if got := progressOf(nil); len(got) != 0 {
		t.Errorf("progressOf(nil) = %v", got)
	}
}

func TestRemaining(t *testing.T) {
	tests := []struct {
		name    string
		planned int
		done    map[int]bool
		want    []int
	}{
		{"nothing done", 4, nil, []int{0, 1, 2, 3}},
		{"all done", 3, map[int]bool{0: true, 1: true, 2: true}, []int{}},
		{"holes in the middle, in order", 7, map[int]bool{0: true, 2: true, 3: true, 6: true}, []int{1, 4, 5}},
		{"only the tail missing", 5, map[int]bool{0: true, 1: true}, []int{2, 3, 4}},
		{"seqs beyond the plan are ignored", 3, map[int]bool{1: true, 7: true, 8: true, 9: true, -1: true}, []int{0, 2}},
		{"nothing planned", 0, nil, []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := remaining(tt.planned, tt.done); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("remaining(%d, %v) = %v, want %v", tt.planned, tt.done, got, tt.want)
			}
		})
	}
}
