package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// fakeTarget answers invokes at once with canned REPORT data and records
// every call. An invoke starts a new environment (a cold REPORT) when it is
// one of the first coldSlots invokes since the function's last ForceCold or
// SetMemory: counting at the start of the call keeps a parallel batch cold
// however the goroutines are scheduled.
type fakeTarget struct {
	coldSlots int
	// ineffectiveForce[fn] = n: the n-th ForceCold of fn (from 1) leaves the
	// environments warm, so the next invoke is not cold.
	ineffectiveForce map[string]int
	// throttle[fn], fail[fn] and noReport[fn] hold the numbers (from 0) of
	// fn's invokes answered 429, with a function error, or without a REPORT.
	throttle, fail, noReport map[string][]int
	// onInvoke runs after every invoke with the count so far.
	onInvoke func(total int)
	idle     time.Duration

	mu         sync.Mutex
	memory     map[string]int
	sinceForce map[string]int
	forces     map[string]int
	invokes    map[string]int
	payloads   map[string][]string
	setMemory  []string // "fn@mb", in call order
	total      int
}

var _ Target = (*fakeTarget)(nil)

func newFake(coldSlots int) *fakeTarget {
	return &fakeTarget{coldSlots: coldSlots, memory: map[string]int{}, sinceForce: map[string]int{},
		forces: map[string]int{}, invokes: map[string]int{}, payloads: map[string][]string{}}
}

func (f *fakeTarget) Info() TargetInfo { return TargetInfo{Kind: "fake", Region: "us-east-1"} }

func (f *fakeTarget) Function(_ context.Context, name string) (VariantInfo, error) {
	if name == "Missing" {
		return VariantInfo{}, errors.New("ResourceNotFoundException: Function not found")
	}
	return VariantInfo{Function: name, Arch: "x86_64", MemoryMB: 1024, PackageBytes: 5 << 20, PackageFiles: 1}, nil
}

func (f *fakeTarget) SetMemory(_ context.Context, name string, mb int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.memory[name] = mb
	f.sinceForce[name] = 0 // a new configuration: new environments
	f.setMemory = append(f.setMemory, fmt.Sprintf("%s@%d", name, mb))
	return nil
}

func (f *fakeTarget) ForceCold(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.forces[name]++
	f.sinceForce[name] = 0
	if f.ineffectiveForce[name] == f.forces[name] {
		f.sinceForce[name] = f.coldSlots
	}
	return nil
}

func (f *fakeTarget) Invoke(_ context.Context, name string, payload []byte) Invocation {
	f.mu.Lock()
	n := f.invokes[name]
	f.invokes[name]++
	f.payloads[name] = append(f.payloads[name], string(payload))
	throttled, failed, noReport := slices.Contains(f.throttle[name], n), slices.Contains(f.fail[name], n), slices.Contains(f.noReport[name], n)
	cold := false
	if !throttled { // a throttled invoke never reaches an environment
		cold = f.sinceForce[name] < f.coldSlots
		f.sinceForce[name]++
	}
	mb := f.memory[name]
	f.total++
	total := f.total
	f.mu.Unlock()

	sent := time.Now()
	inv := Invocation{RequestID: fmt.Sprintf("%s-%d", name, n), Sent: sent, Done: sent.Add(time.Millisecond)}
	switch {
	case throttled:
		inv.Status = 429
		inv.Err = errors.New("TooManyRequestsException: Rate Exceeded.")
	case noReport: // the log tail was lost
		inv.Status, inv.Payload = 200, []byte(`"OK"`)
	default:
		inv.Status, inv.Payload, inv.HasReport = 200, []byte(`"OK"`), true
		inv.Report = reportlog.Report{RequestID: inv.RequestID, DurationMS: 1.5, BilledMS: 2, MemorySizeMB: mb, MaxMemoryUsedMB: 30}
		if cold {
			inv.Report.HasInit, inv.Report.InitDurationMS, inv.Report.BilledMS = true, 100.25, 102
		}
		if failed {
			inv.FunctionError, inv.Payload = "Unhandled", []byte(`{"errorType":"ValueError","errorMessage":"bad"}`)
			inv.Report.Status = reportlog.StatusError
		}
	}
	if f.onInvoke != nil {
		f.onInvoke(total)
	}
	return inv
}

func (f *fakeTarget) IdleLifetime() time.Duration   { return f.idle }
func (f *fakeTarget) Restore(context.Context) error { return nil }

const runnerScenario = `payload: '{"s": 1}'
memory: [128, 256]
variants:
  - {name: a, function: A, payload: '"pa"'}
  - {name: b, function: B}
phases:
  - cold: {samples: 3}
  - cold: {strategy: parallel, samples: 4, concurrency: 2}
  - warm: {warmup: 2, samples: 5}
  - burst: {concurrency: 3}
  - load: {rate: 50, duration: 100ms}
`

// perStep is how many samples each step of runnerScenario records: measured,
// and warm-ups.
var perStep = []struct{ measured, warmups int }{{3, 0}, {4, 0}, {5, 2}, {3, 0}, {5, 0}}

func parseScenario(t *testing.T, raw string) *Scenario {
	t.Helper()
	sc, err := Parse([]byte(raw), filepath.Join(t.TempDir(), "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// newRunner makes a runner writing to a new results file in a temp dir.
func newRunner(t *testing.T, sc *Scenario, tg Target, previous []Sample) (*Runner, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "results.jsonl")
	w, err := Create(path, Run{ID: "run-1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range previous {
		if err := w.Sample(s); err != nil {
			t.Fatal(err)
		}
	}
	if previous != nil {
		// Continue the file the way a resumed run does.
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		res, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if w, err = Append(path, res.ValidBytes); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { w.Close() })
	return &Runner{Scenario: sc, Target: tg, Out: w, Progress: NopProgress{}, RunID: "run-1", Previous: previous}, path
}

// readBack closes the runner's file and checks it holds what the runner says it recorded.
func readBack(t *testing.T, r *Runner, path string) []Sample {
	t.Helper()
	if err := r.Out.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings reading results: %q", res.Warnings)
	}
	mem := r.Samples()
	for i := range mem {
		mem[i].Kind = KindSample
		wallUTC(&mem[i])
	}
	file := slices.Clone(res.Samples)
	for i := range file {
		wallUTC(&file[i])
	}
	if !reflect.DeepEqual(file, mem) {
		t.Errorf("the file holds %d samples, the runner %d, or they differ", len(res.Samples), len(mem))
	}
	return res.Samples
}

// wallUTC drops what JSON does not keep of a time: the monotonic reading and
// the location.
func wallUTC(s *Sample) {
	s.IntendedAt, s.SentAt, s.DoneAt = s.IntendedAt.UTC(), s.SentAt.UTC(), s.DoneAt.UTC()
}

type sampleKey struct {
	variant                   string
	memoryMB, phaseIndex, rep int
	seq                       int
	warmup                    bool
}

func keyOf(s Sample) sampleKey {
	return sampleKey{s.Variant, s.MemoryMB, s.PhaseIndex, s.Rep, s.Seq, s.Flag == FlagWarmup}
}

func TestRunnerRunsThePlan(t *testing.T) {
	sc := parseScenario(t, runnerScenario)
	fake := newFake(2)
	fake.ineffectiveForce = map[string]int{"A": 2} // a@128 cold seq 1 finds a warm environment
	fake.throttle = map[string][]int{"B": {0, 9}}  // b@128 cold seq 0, and warm seq 0 (after 7 cold + 2 warm-ups)
	fake.fail = map[string][]int{"A": {10}}        // a@128 warm seq 1
	fake.noReport = map[string][]int{"B": {2}}     // b@128 cold seq 2: a response, but nothing proves it cold
	r, path := newRunner(t, sc, fake, nil)
	start := time.Now()
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	samples := readBack(t, r, path)

	// Every step recorded its samples, each exactly once.
	seen := map[sampleKey]int{}
	for _, s := range samples {
		seen[keyOf(s)]++
	}
	want := map[sampleKey]int{}
	for _, mb := range []int{128, 256} {
		for _, v := range []string{"a", "b"} {
			for i, n := range perStep {
				for seq := range n.measured {
					want[sampleKey{v, mb, i, 0, seq, false}] = 1
				}
				for seq := range n.warmups {
					want[sampleKey{v, mb, i, 0, seq, true}] = 1
				}
			}
		}
	}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("samples by key\n got %v\nwant %v", seen, want)
	}

	// Memory is set once per variant × memory size, in plan order; cold
	// starts are forced once per reconfigure sample and once per parallel batch.
	if want := []string{"A@128", "B@128", "A@256", "B@256"}; !reflect.DeepEqual(fake.setMemory, want) {
		t.Errorf("SetMemory calls %v, want %v", fake.setMemory, want)
	}
	if want := map[string]int{"A": 2 * (3 + 2), "B": 2 * (3 + 2)}; !reflect.DeepEqual(fake.forces, want) {
		t.Errorf("ForceCold calls %v, want %v", fake.forces, want)
	}
	if want := map[string]int{"A": 44, "B": 44}; !reflect.DeepEqual(fake.invokes, want) {
		t.Errorf("invokes %v, want %v", fake.invokes, want)
	}
	for _, p := range fake.payloads["A"] {
		if p != `"pa"` {
			t.Fatalf("A got payload %s, want its variant's", p)
		}
	}
	for _, p := range fake.payloads["B"] {
		if p != `{"s": 1}` {
			t.Fatalf("B got payload %s, want the scenario's", p)
		}
	}

	for _, s := range samples {
		at := fmt.Sprintf("%s@%d phase %d seq %d", s.Variant, s.MemoryMB, s.PhaseIndex, s.Seq)
		if s.Run != "run-1" || s.Arch != "x86_64" || s.Phase != sc.Phases[s.PhaseIndex].Kind || s.RequestID == "" {
			t.Errorf("%s: run %q arch %q phase %q request %q", at, s.Run, s.Arch, s.Phase, s.RequestID)
		}
		if s.SentAt.Before(start) || s.DoneAt.Before(s.SentAt) || s.IntendedAt.After(s.SentAt) || s.ClientMS <= 0 {
			t.Errorf("%s: intended %v sent %v done %v client %v ms", at, s.IntendedAt, s.SentAt, s.DoneAt, s.ClientMS)
		}
		wantFlag, wantCold, wantStatus := "", false, 200
		switch {
		case s.Variant == "b" && s.MemoryMB == 128 && s.PhaseIndex == 0 && s.Seq == 0,
			s.Variant == "b" && s.MemoryMB == 128 && s.PhaseIndex == 2 && s.Seq == 0 && s.Flag == "":
			wantStatus = 429 // throttled: an error, not a not-cold sample
			if s.Error != "TooManyRequestsException: Rate Exceeded." || s.DurationMS != 0 || s.BilledMS != 0 {
				t.Errorf("%s: throttle recorded as %+v", at, s)
			}
		case s.Variant == "a" && s.MemoryMB == 128 && s.PhaseIndex == 0 && s.Seq == 1,
			s.Variant == "b" && s.MemoryMB == 128 && s.PhaseIndex == 0 && s.Seq == 2:
			wantFlag = FlagNotCold
		case s.Phase == PhaseCold:
			wantCold = true
		case s.Phase == PhaseWarm && s.Seq < 2 && s.Flag == FlagWarmup:
			wantFlag = FlagWarmup
		}
		if s.Flag != wantFlag || s.Cold != wantCold || s.Status != wantStatus {
			t.Errorf("%s: flag %q cold %v status %d; want %q %v %d", at, s.Flag, s.Cold, s.Status, wantFlag, wantCold, wantStatus)
		}
		if s.Cold && (s.InitMS != 100.25 || s.BilledMS != 102) || !s.Cold && s.InitMS != 0 {
			t.Errorf("%s: cold %v init %v billed %d", at, s.Cold, s.InitMS, s.BilledMS)
		}
		if s.Status == 200 && s.RequestID != "B-2" && (s.DurationMS != 1.5 || s.MaxMemoryMB != 30) {
			t.Errorf("%s: REPORT not carried over: %+v", at, s)
		}
		isFail := s.Variant == "a" && s.MemoryMB == 128 && s.PhaseIndex == 2 && s.Seq == 1 && s.Flag == ""
		if isFail != (s.FunctionError != "") {
			t.Errorf("%s: function error %q", at, s.FunctionError)
		}
		if isFail && (s.FunctionError != "Unhandled" || s.ErrorType != "ValueError" || s.ReportStatus != "error" || s.OK()) {
			t.Errorf("%s: function error recorded as %+v", at, s)
		}
	}

	// Load latencies count from the schedule: request i is intended at i/rate.
	for _, v := range []string{"a", "b"} {
		var intended []time.Time
		for _, s := range samples {
			if s.Variant == v && s.MemoryMB == 256 && s.Phase == PhaseLoad {
				intended = append(intended, s.IntendedAt)
			}
		}
		slices.SortFunc(intended, func(x, y time.Time) int { return x.Compare(y) })
		for i, at := range intended {
			if d := at.Sub(intended[0]); d != time.Duration(i)*20*time.Millisecond {
				t.Errorf("%s load request %d intended at +%v, want +%v", v, i, d, time.Duration(i)*20*time.Millisecond)
			}
		}
	}
}

func TestRunnerResumesExactlyTheMissingSamples(t *testing.T) {
	sc := parseScenario(t, runnerScenario)
	full, fullPath := newRunner(t, sc, newFake(2), nil)
	if err := full.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	all := readBack(t, full, fullPath)
	measured := func(ss []Sample) map[sampleKey]int {
		m := map[sampleKey]int{}
		for _, s := range ss {
			if s.Flag != FlagWarmup {
				m[keyOf(s)]++
			}
		}
		return m
	}
	wantMeasured := measured(all)

	tests := []struct {
		name string
		cut  int // samples of the full run the interrupted one had recorded
	}{
		{"first half", len(all) / 2},
		{"inside a parallel batch", 3 + 3},
		{"after the warm-ups", 3 + 4 + 2},
		{"inside the warm phase", 3 + 4 + 2 + 3},
		{"inside the load phase", 3 + 4 + 7 + 3 + 2},
		{"one missing", len(all) - 1},
		{"all done", len(all)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			previous := slices.Clone(all[:tt.cut])
			fake := newFake(2)
			r, path := newRunner(t, sc, fake, previous)
			if err := r.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			final := readBack(t, r, path)
			if got := measured(final); !reflect.DeepEqual(got, wantMeasured) {
				t.Errorf("measured samples after resume differ from an uninterrupted run:\n got %v\nwant %v", got, wantMeasured)
			}
			// The resumed run invoked only for the missing measured samples,
			// plus the warm-ups of a warm phase it had to continue.
			done := progressOf(previous)
			missing, rewarm := 0, 0
			var wantSetMemory []string
			for _, st := range sc.Plan() {
				k := key{st.Variant.Name, st.MemoryMB, st.PhaseIndex, 0}
				left := len(remaining(st.Planned(), done[k]))
				missing += left
				if left > 0 && st.Phase.Kind == PhaseWarm {
					rewarm += st.Phase.Warmup
				}
				if m := fmt.Sprintf("%s@%d", st.Variant.Function, st.MemoryMB); left > 0 && !slices.Contains(wantSetMemory, m) {
					wantSetMemory = append(wantSetMemory, m)
				}
			}
			if got := fake.invokes["A"] + fake.invokes["B"]; got != missing+rewarm {
				t.Errorf("%d invokes, want %d missing + %d warm-ups", got, missing, rewarm)
			}
			if len(final) != tt.cut+missing+rewarm {
				t.Errorf("%d samples in the file, want %d + %d + %d", len(final), tt.cut, missing, rewarm)
			}
			if !slices.Equal(fake.setMemory, wantSetMemory) {
				t.Errorf("SetMemory calls %v, want %v", fake.setMemory, wantSetMemory)
			}
		})
	}
}

func TestRunnerStopsWhenCancelled(t *testing.T) {
	tests := []struct {
		name    string
		after   int  // cancel once this many invokes returned
		exactly bool // sequential phase: nothing more may start
	}{
		{"reconfigure", 2, true},
		{"warm", 3 + 4 + 2 + 1, true},
		{"load", 3 + 4 + 7 + 3 + 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := parseScenario(t, runnerScenario)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			fake := newFake(2)
			fake.onInvoke = func(total int) {
				if total == tt.after {
					cancel()
				}
			}
			r, path := newRunner(t, sc, fake, nil)
			err := r.Run(ctx)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Run returned %v, want context.Canceled", err)
			}
			samples := readBack(t, r, path)
			if n := len(samples); n < tt.after || n > tt.after+2 || tt.exactly && n != tt.after {
				t.Errorf("%d samples after cancelling at %d", n, tt.after)
			}
			if total := fake.invokes["A"] + fake.invokes["B"]; total != len(samples) {
				t.Errorf("%d invokes but %d samples: an invoke went unrecorded", total, len(samples))
			}
		})
	}
}

func TestRunnerOwnMemory(t *testing.T) {
	sc := parseScenario(t, "variants: [{function: F}]\nphases:\n  - cold: {samples: 2}\n  - burst: {concurrency: 2, runs: 2, fresh: true}\n")
	fake := newFake(2)
	r, path := newRunner(t, sc, fake, nil)
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	samples := readBack(t, r, path)
	if len(fake.setMemory) != 0 {
		t.Errorf("SetMemory called %v without memory sizes", fake.setMemory)
	}
	// Two reconfigure samples, then a fresh start before each burst run.
	if fake.forces["F"] != 2+2 || len(samples) != 2+2*2 {
		t.Errorf("%d ForceCold calls, %d samples", fake.forces["F"], len(samples))
	}
	for _, s := range samples {
		if s.MemoryMB != 1024 || s.Variant != "F" {
			t.Errorf("sample %s@%d: want the function's own 1024 MB", s.Variant, s.MemoryMB)
		}
		if s.Phase == PhaseBurst && (!s.Cold || s.Rep > 1) {
			t.Errorf("burst rep %d seq %d: cold %v (fresh runs start new environments)", s.Rep, s.Seq, s.Cold)
		}
	}
}

func TestRunnerIdle(t *testing.T) {
	t.Run("waits", func(t *testing.T) {
		sc := parseScenario(t, "variants: [{function: F}]\nphases:\n  - cold: {strategy: idle, samples: 2, wait: 30ms}\n")
		fake := newFake(1)
		r, path := newRunner(t, sc, fake, nil)
		start := time.Now()
		if err := r.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if el := time.Since(start); el < 60*time.Millisecond {
			t.Errorf("two idle samples took %v, want at least 2 × 30ms", el)
		}
		if n := len(readBack(t, r, path)); n != 2 || fake.forces["F"] != 0 {
			t.Errorf("%d samples, %d ForceCold calls", n, fake.forces["F"])
		}
	})
	t.Run("needs a wait when the target cannot tell", func(t *testing.T) {
		sc := parseScenario(t, "variants: [{function: F}]\nphases:\n  - cold: {strategy: idle, samples: 2}\n")
		r, _ := newRunner(t, sc, newFake(1), nil)
		err := r.Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), "set `wait:`") {
			t.Errorf("got %v", err)
		}
	})
}

func TestRunnerDescribeFails(t *testing.T) {
	sc := parseScenario(t, "variants: [{function: Missing}]\nphases: [warm: ]\n")
	r, _ := newRunner(t, sc, newFake(1), nil)
	err := r.Run(context.Background())
	if err == nil || err.Error() != "variant Missing: ResourceNotFoundException: Function not found" {
		t.Errorf("got %v", err)
	}
}

func TestSampleClientLatency(t *testing.T) {
	d := &driver{r: &Runner{RunID: "r"}, step: Step{Variant: Variant{Name: "v"}, Phase: Phase{Kind: PhaseLoad}}, memoryMB: 128}
	intended := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	inv := Invocation{Status: 200, Sent: intended.Add(5 * time.Millisecond), Done: intended.Add(12500 * time.Microsecond)}
	s := d.sample(inv, 1, 7, intended)
	if math.Abs(s.ClientMS-12.5) > 1e-9 || s.Rep != 1 || s.Seq != 7 || s.Flag != "" || !s.OK() {
		t.Errorf("sample %+v: want 12.5 ms from the intended time", s)
	}
}

// A results file with a seq the plan does not have (edited by hand) must not
// make a step look complete while one of its samples is missing.
func TestRunnerResumeIgnoresSeqsBeyondThePlan(t *testing.T) {
	sc := parseScenario(t, "variants: [{function: F}]\nphases:\n  - warm: {warmup: 0, samples: 3}\n")
	var previous []Sample
	for _, seq := range []int{0, 1, 99} {
		previous = append(previous, Sample{Run: "run-1", Variant: "F", Phase: PhaseWarm, MemoryMB: 1024, Seq: seq, Status: 200})
	}
	fake := newFake(1)
	r, path := newRunner(t, sc, fake, previous)
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	samples := readBack(t, r, path)
	if fake.invokes["F"] != 1 || len(samples) != 4 || samples[3].Seq != 2 {
		t.Errorf("%d invokes, %d samples: want just seq 2 added", fake.invokes["F"], len(samples))
	}
}
