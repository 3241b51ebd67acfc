package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic or hang, every
// error must name the file, and a scenario it accepts must expand into a plan
// of steps that each plan at least one sample.
func FuzzParse(f *testing.F) {
	quickstart, err := os.ReadFile("../../examples/quickstart.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(quickstart)
	f.Add([]byte(fullScenario))
	f.Add([]byte(base))
	f.Add([]byte("variants: [{function: F}]\nphases:\n  - load: {rate: 0.5, duration: 3s, runs: 2}\n  - burst: {concurrency: 3}\n"))
	f.Add([]byte("memory: 512\npayload_file: event.json\nvariants: [{function: F, payload: '[1]'}]\nphases: [cold: {strategy: idle}]\n"))
	f.Add([]byte("a: &x {b: 1}\nc: *x\n<<: *x\n"))
	f.Add([]byte("variants:\n  - function: F\nphases:\n  - cold: {strategy: parallel, samples: 3, concurrency: 1000001}\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, raw []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "s.yaml")
		if err := os.WriteFile(filepath.Join(dir, "event.json"), []byte(`{"k": 1}`), 0o644); err != nil {
			t.Fatal(err)
		}
		sc, err := Parse(raw, path)
		if err != nil {
			if sc != nil {
				t.Errorf("scenario returned with error %v", err)
			}
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Errorf("error does not start with the file name: %v", err)
			}
			return
		}
		if len(sc.Variants) == 0 || len(sc.Phases) == 0 || sc.Name == "" {
			t.Fatalf("accepted an incomplete scenario: %+v", sc)
		}
		mems := max(len(sc.Memory), 1)
		steps := sc.Plan()
		if len(steps) != mems*len(sc.Variants)*len(sc.Phases) {
			t.Fatalf("%d steps for %d memory sizes × %d variants × %d phases", len(steps), mems, len(sc.Variants), len(sc.Phases))
		}
		for _, st := range steps {
			if st.Planned() < 1 || st.Reps() < 1 {
				t.Errorf("%s: planned %d × %d", st.Label(), st.Planned(), st.Reps())
			}
		}
	})
}
