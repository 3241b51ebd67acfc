package benchrun

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/services"
)

// Every seed scenario runs to the end on the local platform, with its counts
// and durations cut down so that all five take a minute or two; the full runs
// are for docs/seeds.md. Every sample must succeed and every cold one be
// verified cold.
func TestSeedScenariosReduced(t *testing.T) {
	for _, tool := range []string{"mono", "mcs", "java", "javac", "node", "python3.11"} {
		if _, err := exec.LookPath(tool); err != nil {
			needed(t, tool+" (the seeds' runtime variants): "+err.Error())
		}
	}
	if _, err := services.Find("../../examples"); err != nil {
		needed(t, err.Error())
	}
	seeds, err := filepath.Glob("../../examples/seeds/*.yaml")
	if err != nil || len(seeds) != 5 {
		t.Fatalf("want the five seed scenarios, found %v (%v)", seeds, err)
	}
	for _, seed := range seeds {
		t.Run(filepath.Base(seed), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			out := run(t, ctx, Options{Scenario: reduced(t, seed), Progress: bench.NopProgress{}})
			res, err := bench.ReadFile(out.ResultsPath)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Samples) == 0 {
				t.Fatal("no samples")
			}
			for _, s := range res.Samples {
				if !s.OK() || s.Flag == bench.FlagNotCold {
					t.Errorf("sample %+v", s)
				}
			}
		})
	}
}

// needed skips, or fails under CI=true, for a missing dependency.
func needed(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI needs %s (scripts/setup.sh)", why)
	}
	t.Skip(why)
}

// reduced writes a copy of scenario seed with absolute paths, its first
// memory size only, and small counts and durations.
func reduced(t *testing.T, seed string) string {
	t.Helper()
	raw, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	dir, _ := filepath.Abs(filepath.Dir(seed))
	set := func(m *yaml.Node, key string, f func(v *yaml.Node)) {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				f(m.Content[i+1])
			}
		}
	}
	abs := func(v *yaml.Node) { v.Value = filepath.Join(dir, v.Value) }
	set(root, "template", abs)
	set(root, "payload_file", abs)
	set(root, "memory", func(v *yaml.Node) { v.Content = v.Content[:1] })
	set(root, "phases", func(phases *yaml.Node) {
		for _, p := range phases.Content { // - cold: {…}
			body := p.Content[1]
			atMost := func(key string, n int) {
				set(body, key, func(v *yaml.Node) {
					if x, err := strconv.Atoi(v.Value); err == nil && x > n {
						v.Value = strconv.Itoa(n)
					}
				})
			}
			atMost("samples", 2)
			atMost("concurrency", 2)
			atMost("warmup", 1)
			atMost("runs", 2)
			set(body, "duration", func(v *yaml.Node) { v.Value = "3s" })
		}
	})
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(seed))
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
