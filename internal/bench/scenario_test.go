package bench

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/runtimes"
)

// writeScenario puts raw in dir/name (so relative paths resolve there) and
// parses it.
func writeScenario(t *testing.T, dir, name, raw string) (*Scenario, string, error) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := Load(path)
	return sc, path, err
}

// fullScenario uses every key of docs/scenarios.md.
const fullScenario = `name: quickstart                 # names the results file
description: Uppercase at three memory sizes.
template: tpl/template.yaml
payload: '"hello"'
memory: [128, 512, 1024]
cold_ratio: 0.05

variants:
  - name: uppercase-go
    function: Uppercase
    arch: x86_64
    payload: '"hi"'
  - function: Orders
    arch: arm64
    payload_file: event.json

phases:
  - cold:  {strategy: parallel, samples: 20, concurrency: 5}
  - cold:  {strategy: idle, samples: 2, wait: 3s}
  - warm:  {warmup: 5, samples: 100}
  - load:  {rate: 1, duration: 5m, runs: 3, fresh: true, max_in_flight: 50}
  - burst: {concurrency: 50, runs: 2, fresh: true}

target:
  kind: local
  endpoint: http://127.0.0.1:3001
  region: eu-west-1
  profile: default

local:
  idle_timeout: 5s
  sandbox: plain
  runtimes: {python: /usr/bin/python3.11}

pricing:
  region: us-east-1
  x86_64: 0.0000166667
  arm64: 0.0000133334
  request: 0.0000002
  mb_per_gb: 1000
`

func TestParseFull(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "event.json"), []byte(`{"id": 7}`), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, path, err := writeScenario(t, dir, "full.yaml", fullScenario)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Path != path || string(sc.Raw) != fullScenario || len(sc.Hash) != 64 {
		t.Errorf("Path %q Raw %d bytes Hash %q", sc.Path, len(sc.Raw), sc.Hash)
	}
	if sc.Name != "quickstart" || sc.Description != "Uppercase at three memory sizes." {
		t.Errorf("Name %q Description %q", sc.Name, sc.Description)
	}
	if want := filepath.Join(dir, "tpl", "template.yaml"); sc.Template != want {
		t.Errorf("Template %q, want %q", sc.Template, want)
	}
	if string(sc.Payload) != `"hello"` || sc.ColdRatio != 0.05 {
		t.Errorf("Payload %s ColdRatio %g", sc.Payload, sc.ColdRatio)
	}
	if !reflect.DeepEqual(sc.Memory, []int{128, 512, 1024}) {
		t.Errorf("Memory %v", sc.Memory)
	}
	wantVariants := []Variant{
		{Name: "uppercase-go", Function: "Uppercase", Arch: "x86_64", Payload: []byte(`"hi"`), Line: 9},
		{Name: "Orders", Function: "Orders", Arch: "arm64", Payload: []byte(`{"id": 7}`), Line: 13},
	}
	if !reflect.DeepEqual(sc.Variants, wantVariants) {
		t.Errorf("Variants\n got %+v\nwant %+v", sc.Variants, wantVariants)
	}
	wantPhases := []Phase{
		{Kind: PhaseCold, Line: 18, Samples: 20, Strategy: StrategyParallel, Concurrency: 5},
		{Kind: PhaseCold, Line: 19, Samples: 2, Strategy: StrategyIdle, Wait: 3 * time.Second},
		{Kind: PhaseWarm, Line: 20, Samples: 100, Warmup: 5},
		{Kind: PhaseLoad, Line: 21, Rate: 1, Duration: 5 * time.Minute, Runs: 3, Fresh: true, MaxInFlight: 50},
		{Kind: PhaseBurst, Line: 22, Concurrency: 50, Runs: 2, Fresh: true},
	}
	if !reflect.DeepEqual(sc.Phases, wantPhases) {
		t.Errorf("Phases\n got %+v\nwant %+v", sc.Phases, wantPhases)
	}
	wantTarget := TargetSpec{Kind: "local", Endpoint: "http://127.0.0.1:3001", Region: "eu-west-1", Profile: "default"}
	if sc.Target != wantTarget {
		t.Errorf("Target %+v", sc.Target)
	}
	if !reflect.DeepEqual(sc.Local, LocalSpec{IdleTimeout: 5 * time.Second, Sandbox: "plain", Runtimes: map[string]string{"python": "/usr/bin/python3.11"}}) {
		t.Errorf("Local %+v", sc.Local)
	}
	wantPricing := PricingSpec{Region: "us-east-1", X86: 0.0000166667, ARM: 0.0000133334, PerRequest: 0.0000002,
		MBPerGB: 1000, SetPrices: true, Line: 36} // the line of its first key
	if sc.Pricing != wantPricing {
		t.Errorf("Pricing %+v", sc.Pricing)
	}
}

func TestParseDefaults(t *testing.T) {
	dir := t.TempDir()
	sc, _, err := writeScenario(t, dir, "my-scenario.yaml", `variants:
  - function: Uppercase
phases:
  - cold:
  - cold: {strategy: parallel, samples: 4}
  - warm: {}
  - load: {rate: 2, duration: 1s}
  - burst:
`)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "my-scenario" {
		t.Errorf("Name %q, want the file name", sc.Name)
	}
	if want := filepath.Join(dir, "template.yaml"); sc.Template != want {
		t.Errorf("Template %q, want %q", sc.Template, want)
	}
	if string(sc.Payload) != "{}" || sc.ColdRatio != 0.01 || sc.Memory != nil {
		t.Errorf("Payload %s ColdRatio %g Memory %v", sc.Payload, sc.ColdRatio, sc.Memory)
	}
	if v := sc.Variants[0]; v.Name != "Uppercase" || v.Arch != "" || v.Payload != nil {
		t.Errorf("variant %+v: want the function as name, no arch, no payload", v)
	}
	if !reflect.DeepEqual(sc.Local, LocalSpec{IdleTimeout: 2 * time.Second}) || sc.Target != (TargetSpec{}) || sc.Pricing != (PricingSpec{}) {
		t.Errorf("Local %+v Target %+v Pricing %+v", sc.Local, sc.Target, sc.Pricing)
	}
	want := []Phase{
		{Kind: PhaseCold, Line: 4, Samples: 10, Strategy: StrategyReconfigure},
		{Kind: PhaseCold, Line: 5, Samples: 4, Strategy: StrategyParallel, Concurrency: 4}, // concurrency: samples
		{Kind: PhaseWarm, Line: 6, Samples: 100, Warmup: 3},
		{Kind: PhaseLoad, Line: 7, Rate: 2, Duration: time.Second, Runs: 1, MaxInFlight: 1000},
		{Kind: PhaseBurst, Line: 8, Concurrency: 10, Runs: 1},
	}
	if !reflect.DeepEqual(sc.Phases, want) {
		t.Errorf("Phases\n got %+v\nwant %+v", sc.Phases, want)
	}
}

func TestParseTargetWithoutTemplate(t *testing.T) {
	sc, _, err := writeScenario(t, t.TempDir(), "aws.yaml", `target: {kind: aws, region: eu-west-1}
variants: [{function: my-fn}]
phases: [warm: ]
`)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Template != "" {
		t.Errorf("Template %q: only the local target needs one", sc.Template)
	}
}

// base is a valid scenario to which each error case adds one mistake.
const base = "variants: [{function: F}]\nphases: [warm: ]\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want []string // every error, in order, after "file:"
	}{
		{"unknown top-level key", "nmae: x\n" + base,
			[]string{`1: unknown key "nmae" in the scenario (known: [name description template payload payload_file memory variants phases target local pricing cold_ratio])`}},
		{"unknown key in a phase", "variants: [{function: F}]\nphases:\n  - cold: {sample: 3}\n",
			[]string{`3: unknown key "sample" in cold (known: [samples strategy concurrency wait])`}},
		{"key given twice", "name: a\nname: b\n" + base,
			[]string{`2: the scenario: key "name" given twice`}},
		{"unknown phase kind", "variants: [{function: F}]\nphases:\n  - warm:\n  - hot: {samples: 3}\n",
			[]string{`4: unknown phase "hot": want cold, warm, load or burst`}},
		{"phase with two kinds", "variants: [{function: F}]\nphases:\n  - {warm: , cold: }\n",
			[]string{"3: each phase is one of `- cold: {…}`, `- warm: {…}`, `- load: {…}`, `- burst: {…}`"}},
		{"bad strategy", "variants: [{function: F}]\nphases:\n  - cold: {strategy: paralel}\n",
			[]string{`3: cold strategy "paralel": want reconfigure, parallel or idle`}},
		{"concurrency on reconfigure", "variants: [{function: F}]\nphases:\n  - cold:\n      samples: 3\n      concurrency: 2\n",
			[]string{`5: concurrency applies only to strategy parallel`}},
		{"wait on parallel", "variants: [{function: F}]\nphases:\n  - cold: {strategy: parallel, wait: 10s}\n",
			[]string{`3: wait applies only to strategy idle`}},
		{"samples 0", "variants: [{function: F}]\nphases:\n  - warm: {samples: 0}\n",
			[]string{`3: samples must be between 1 and 1000000, not 0`}},
		{"negative warmup", "variants: [{function: F}]\nphases:\n  - warm: {warmup: -1}\n",
			[]string{`3: warmup must not be negative`}},
		{"memory out of range and duplicated", "memory:\n  - 127\n  - 512\n  - 10241\n  - 512\n" + base,
			[]string{
				`2: memory 127 MB is outside Lambda's 128–10240 MB`,
				`4: memory 10241 MB is outside Lambda's 128–10240 MB`,
				`5: memory 512 MB listed twice`,
			}},
		{"memory empty", "memory: []\n" + base,
			[]string{`1: memory: empty list (omit it to keep each function's own memory size)`}},
		{"payload not JSON", "payload: hello\n" + base,
			[]string{`1: payload is not valid JSON: "hello" (a JSON string needs its own quotes: payload: '"hi"')`}},
		{"payload YAML-quoted only", "payload: \"hello\"\n" + base,
			[]string{`1: payload is not valid JSON: "hello" (a JSON string needs its own quotes: payload: '"hi"')`}},
		{"payload and payload_file", "payload: '{}'\npayload_file: event.json\n" + base,
			[]string{`2: give payload or payload_file, not both`}},
		{"payload_file missing", "payload_file: missing.json\n" + base,
			[]string{`1: payload_file: open {dir}/missing.json: no such file or directory`}},
		{"variant payload not JSON", "variants:\n  - function: F\n    payload: '{'\nphases: [warm: ]\n",
			[]string{`3: payload is not valid JSON: "{" (a JSON string needs its own quotes: payload: '"hi"')`}},
		{"variants missing", "phases: [warm: ]\n",
			[]string{"1: no variants: list the functions to compare under `variants:`"}},
		{"variants empty", "variants: []\nphases: [warm: ]\n",
			[]string{`1: variants must be a non-empty list`}},
		{"duplicate variant names", "variants:\n  - {name: a, function: F}\n  - {name: a, function: G}\nphases: [warm: ]\n",
			[]string{`3: two variants are named "a"; give each a distinct ` + "`name:`"}},
		{"duplicate functions without names", "variants:\n  - function: F\n  - function: F\nphases: [warm: ]\n",
			[]string{`3: two variants are named "F"; give each a distinct ` + "`name:`"}},
		{"variant without function", "variants:\n  - name: a\nphases: [warm: ]\n",
			[]string{"2: variant without `function:` (a template function's logical ID, or a function name or ARN on AWS)"}},
		{"bad arch", "variants:\n  - function: F\n    arch: amd64\nphases: [warm: ]\n",
			[]string{`3: arch "amd64": want x86_64 or arm64`}},
		{"phases missing", "variants: [{function: F}]\n",
			[]string{"1: no phases: add at least one of cold, warm, load, burst under `phases:`"}},
		{"phases empty", "variants: [{function: F}]\nphases: []\n",
			[]string{"2: phases must be a non-empty list, e.g. `- cold: {samples: 20, strategy: parallel}`"}},
		{"load without rate and duration", "variants: [{function: F}]\nphases:\n  - load: {runs: 2}\n",
			[]string{"3: load needs `rate:` (requests per second)", "3: load needs `duration:` (e.g. 5m)"}},
		{"rate 0", "variants: [{function: F}]\nphases:\n  - load: {rate: 0, duration: 1s}\n",
			[]string{`3: rate 0: want more than 0 and at most 100000 requests per second`}},
		{"rate NaN", "variants: [{function: F}]\nphases:\n  - load: {rate: NaN, duration: 1s}\n",
			[]string{`3: rate NaN: want more than 0 and at most 100000 requests per second`}},
		{"rate too high", "variants: [{function: F}]\nphases:\n  - load: {rate: 100001, duration: 1s}\n",
			[]string{`3: rate 100001: want more than 0 and at most 100000 requests per second`}},
		{"rate too low to schedule", "variants: [{function: F}]\nphases:\n  - load: {rate: 1e-300, duration: 1s}\n",
			[]string{`3: load at 1e-300 rps for 1s: the schedule is too long for one run`}},
		{"duration too long", "variants: [{function: F}]\nphases:\n  - load: {rate: 1, duration: 2000000h}\n",
			[]string{`3: load at 1 rps for 2000000h0m0s: the schedule is too long for one run`}},
		{"duration in words", "variants: [{function: F}]\nphases:\n  - load: {rate: 1, duration: 5 minutes}\n",
			[]string{`3: duration: "5 minutes" is not a positive duration (like 500ms, 30s, 5m)`}},
		{"fresh not a bool", "variants: [{function: F}]\nphases:\n  - burst: {fresh: often}\n",
			[]string{`3: fresh: "often" is not true or false`}},
		{"bad target kind", "target: {kind: lambda}\n" + base,
			[]string{`1: target kind "lambda": want local, endpoint or aws`}},
		{"endpoint without endpoint", "target:\n  kind: endpoint\n" + base,
			[]string{"2: target kind endpoint needs `endpoint:` (e.g. http://127.0.0.1:3001)"}},
		{"cold_ratio 1.5", "cold_ratio: 1.5\n" + base,
			[]string{`1: cold_ratio must be between 0 and 1 (a share: 0.01 is 1%)`}},
		{"cold_ratio NaN", "cold_ratio: NaN\n" + base,
			[]string{`1: cold_ratio must be between 0 and 1 (a share: 0.01 is 1%)`}},
		{"idle_timeout negative", "local: {idle_timeout: -2s}\n" + base,
			[]string{`1: idle_timeout: "-2s" is not a positive duration (like 500ms, 30s, 5m)`}},
		{"runtimes unknown", "local: {runtimes: {dotnet8: /usr/bin/dotnet}}\n" + base,
			[]string{`1: runtimes: "dotnet8" is neither a runtime (` + strings.Join(runtimes.IDs(), ", ") + `) nor a language (nodejs, python, java)`}},
		{"pricing mb_per_gb 1001", "pricing:\n  mb_per_gb: 1001\n" + base,
			[]string{`2: mb_per_gb must be 1024 (as AWS bills) or 1000`}},
		{"pricing negative", "pricing:\n  arm64: -1\n" + base,
			[]string{`2: arm64 price must be a finite number, not negative`}},
		{"pricing infinite", "pricing:\n  request: +Inf\n" + base,
			[]string{`2: request price must be a finite number, not negative`}},
		{"not a mapping", "- a\n- b\n",
			[]string{`1: the scenario must be a mapping`, "1: no variants: list the functions to compare under `variants:`",
				"1: no phases: add at least one of cold, warm, load, burst under `phases:`"}},
		{"several errors together", `name: x
variants:
  - function: F
    arch: sparc
phases:
  - cold: {strategy: nope}
  - load: {rate: 0, duration: 1s}
memory: [64]
`, []string{
			`8: memory 64 MB is outside Lambda's 128–10240 MB`,
			`4: arch "sparc": want x86_64 or arm64`,
			`6: cold strategy "nope": want reconfigure, parallel or idle`,
			`7: rate 0: want more than 0 and at most 100000 requests per second`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "event.json"), []byte(`{}`), 0o644); err != nil {
				t.Fatal(err)
			}
			sc, path, err := writeScenario(t, dir, "s.yaml", tt.raw)
			if err == nil {
				t.Fatalf("no error; parsed %+v", sc)
			}
			if sc != nil {
				t.Errorf("a scenario alongside the error")
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, path+":"+strings.ReplaceAll(w, "{dir}", dir))
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
				t.Errorf("errors\n got %q\nwant %q", got, want)
			}
			if n := len(tt.want); n > 1 {
				// Every problem is reported at once, each its own error.
				joined, ok := err.(interface{ Unwrap() []error })
				if !ok || len(joined.Unwrap()) != n {
					t.Errorf("want %d joined errors, got %#v", n, err)
				}
			}
		})
	}
}

func TestParseSyntaxError(t *testing.T) {
	_, err := Parse([]byte("variants: [\n"), "bad.yaml")
	if err == nil || !strings.HasPrefix(err.Error(), "bad.yaml:1: ") || strings.Contains(err.Error(), "yaml: line") {
		t.Errorf("got %v, want the file and the YAML line", err)
	}
	_, err = Parse([]byte("# only a comment\n"), "empty.yaml")
	if err == nil || err.Error() != "empty.yaml: empty scenario" {
		t.Errorf("got %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want a wrapped not-exist error", err)
	}
}
