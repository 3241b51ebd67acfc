package analyze

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
)

func td(name string) string { return filepath.Join("testdata", name) }

// group is a GroupSummary without its name, for table tests.
type group struct{ invokes, cold, warm, failed int }

func groupsOf(s Summary) map[string]group {
	out := map[string]group{}
	for _, g := range s.Groups {
		out[g.Variant+" @ "+strconv.Itoa(g.MemoryMB)] = group{g.Invokes, g.Cold, g.Warm, g.Failed}
	}
	return out
}

func TestLoadCaptures(t *testing.T) {
	tests := []struct {
		name     string
		paths    []string
		opts     Options
		groups   map[string]group
		variants []string
		region   string
		samples  int
	}{
		{name: "text log: file name, two memory sizes", paths: []string{td("text.log")},
			groups:   map[string]group{"text @ 128": {5, 1, 4, 2}, "text @ 256": {2, 1, 1, 0}},
			variants: []string{"text"}, samples: 7},
		{name: "JSON log format: function and region from the logs", paths: []string{td("json.log")},
			groups:   map[string]group{"orders @ 256": {3, 1, 2, 1}},
			variants: []string{"orders"}, region: "eu-central-1", samples: 3},
		{name: "aws logs tail, two streams", paths: []string{td("tail.txt")},
			groups:   map[string]group{"tail @ 512": {6, 2, 4, 0}},
			variants: []string{"tail"}, samples: 6},
		{name: "Insights export: functions from @log", paths: []string{td("insights.csv")},
			groups:   map[string]group{"orders-jit @ 1024": {7, 3, 4, 0}, "orders-aot @ 1024": {7, 3, 4, 0}},
			variants: []string{"orders-jit", "orders-aot"}, samples: 14},
		{name: "several files", paths: []string{td("tail.txt"), td("events.txt"), td("json.log")},
			groups:   map[string]group{"tail @ 512": {6, 2, 4, 0}, "events @ 1024": {2, 1, 1, 0}, "orders @ 256": {3, 1, 2, 1}},
			variants: []string{"tail", "events", "orders"}, region: "eu-central-1", samples: 11},
		{name: "label: one variant, memory groups kept", paths: []string{td("text.log"), td("tail.txt")}, opts: Options{Label: "prod", Region: "us-west-2"},
			groups:   map[string]group{"prod @ 128": {5, 1, 4, 2}, "prod @ 256": {2, 1, 1, 0}, "prod @ 512": {6, 2, 4, 0}},
			variants: []string{"prod"}, region: "us-west-2", samples: 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, sum, err := Load(tt.paths, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := groupsOf(sum); !reflect.DeepEqual(got, tt.groups) {
				t.Errorf("groups %v\nwant   %v", got, tt.groups)
			}
			var names []string
			for _, v := range res.Run.Variants {
				names = append(names, v.Name)
			}
			if !reflect.DeepEqual(names, tt.variants) {
				t.Errorf("variants %v, want %v", names, tt.variants)
			}
			if len(res.Samples) != tt.samples || sum.Samples != tt.samples || res.Run.Target.Region != tt.region || res.Run.Target.Kind != TargetKind {
				t.Errorf("%d samples (summary %d), target %+v", len(res.Samples), sum.Samples, res.Run.Target)
			}
			checkSamples(t, res)
		})
	}
}

// checkSamples checks what holds for every imported sample.
func checkSamples(t *testing.T, res *bench.Results) {
	t.Helper()
	seq := map[string]int{}
	for _, s := range res.Samples {
		if s.Kind != bench.KindSample || s.Run != res.Run.ID || s.Status != 200 || s.ClientMS != 0 || s.Arch == "" || s.RequestID == "" {
			t.Errorf("sample %+v", s)
		}
		if s.Cold != (s.Phase == bench.PhaseCold) || (s.Cold && s.InitMS == 0) || (!s.Cold && s.InitMS != 0) {
			t.Errorf("cold/phase mismatch: %+v", s)
		}
		if (s.ReportStatus != "") != (s.FunctionError != "") {
			t.Errorf("a REPORT Status is a failed invoke: %+v", s)
		}
		k := s.Variant + "/" + strconv.Itoa(s.MemoryMB) + "/" + s.Phase
		if s.Seq != seq[k] {
			t.Errorf("seq %d, want %d: %+v", s.Seq, seq[k], s)
		}
		seq[k]++
	}
}

func TestLoadSampleFields(t *testing.T) {
	res, sum, err := Load([]string{td("json.log")}, Options{Arch: "arm64", Version: "v9"})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Samples[0]
	want := bench.Sample{Kind: bench.KindSample, Run: res.Run.ID, Variant: "orders", Phase: bench.PhaseCold, MemoryMB: 256, Arch: "arm64",
		RequestID: s.RequestID, Cold: true, InitMS: 463.51, DurationMS: 1233.96, BilledMS: 1698, MaxMemoryMB: 123,
		DoneAt: time.Date(2025, 9, 14, 10, 15, 1, 834e6, time.UTC), Status: 200}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("sample\n got %+v\nwant %+v", s, want)
	}
	failed := res.Samples[2]
	if failed.ReportStatus != "error" || failed.ErrorType != "Runtime.UnhandledPromiseRejection" || failed.FunctionError != "Unhandled" || failed.OK() {
		t.Errorf("failed sample %+v", failed)
	}
	run := res.Run
	if run.Kind != bench.KindRun || run.Version != "v9" || !run.Started.Equal(want.DoneAt) || run.ScenarioPath != td("json.log") ||
		len(run.ScenarioHash) != 64 || run.ColdRatio != 1.0/3 {
		t.Errorf("run header %+v", run)
	}
	if v := run.Variants[0]; v.Function != "orders" || v.MemoryMB != 256 || v.Arch != "arm64" {
		t.Errorf("variant %+v", v)
	}
	if sum.ColdRatio != run.ColdRatio || sum.Cold != 1 {
		t.Errorf("summary %+v", sum)
	}
}

func TestLoadMalformedReported(t *testing.T) {
	res, sum, err := Load([]string{td("text.log"), td("insights.csv")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := sum.Files[0]
	if f.Format != "log text" || f.Lines != 27 || f.Reports != 7 || f.Malformed != 1 || f.InitReports != 2 || f.FailedInits != 2 ||
		len(f.Examples) != 1 || f.Examples[0].Line != 19 {
		t.Errorf("text.log summary %+v", f)
	}
	if f := sum.Files[1]; f.Format != "Logs Insights CSV" || f.Lines != 15 || f.Reports != 14 || f.Malformed != 1 || f.Examples[0].Line != 16 {
		t.Errorf("insights.csv summary %+v", f)
	}
	warnings := strings.Join(res.Warnings, "\n")
	for _, want := range []string{
		"testdata/text.log: 1 malformed platform line skipped (first: line 19:",
		"testdata/insights.csv: 1 malformed platform line skipped (first: line 16: @maxMemoryUsed",
		"text: 2 failed inits (INIT_REPORT: Runtime.ImportModuleError)",
	} {
		if !strings.Contains(warnings, filepath.FromSlash(want)) {
			t.Errorf("warnings lack %q:\n%s", want, warnings)
		}
	}
	var out bytes.Buffer
	sum.Write(&out)
	for _, want := range []string{
		"text.log: log text, 27 lines: 7 REPORTs, 2 INIT_REPORTs (2 failed), 1 malformed\n",
		"  line 19: parse REPORT: Duration:",
		"insights.csv: Logs Insights CSV, 15 rows: 14 REPORTs, 1 malformed\n",
		"  text @ 128 MB: 5 invokes (1 cold, 4 warm), 2 failed\n",
		"  orders-aot @ 1024 MB: 7 invokes (3 cold, 4 warm)\n",
		"cold starts: 8 of 21 invokes (38.1%)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

func TestLoadVersionsSplit(t *testing.T) {
	const line = "2025-09-14T10:15:00.190000+00:00 2025/09/14/[%s]0123456789abcdef0123456789abcdef REPORT RequestId: r%s\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t\n"
	in := fmt.Sprintf(line, "56", "1") + fmt.Sprintf(line, "57", "2")
	res, _, err := Load([]string{"-"}, Options{Stdin: strings.NewReader(in)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Samples) != 2 || res.Samples[0].Variant != "stdin:56" || res.Samples[1].Variant != "stdin:57" {
		t.Errorf("samples %+v", res.Samples)
	}
	res, _, err = Load([]string{"-"}, Options{Stdin: strings.NewReader(in), Label: "both"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Samples[0].Variant != "both" || res.Samples[1].Variant != "both" {
		t.Errorf("a label is one variant: %+v", res.Samples)
	}
}

func TestLoadDuplicatesAndGzip(t *testing.T) {
	raw, err := os.ReadFile(td("tail.txt"))
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(t.TempDir(), "tail.txt.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	zw.Close()
	if err := os.WriteFile(gz, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	res, sum, err := Load([]string{td("tail.txt"), gz}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Samples) != 6 || sum.Duplicates != 6 || sum.Files[1].Reports != 6 {
		t.Errorf("%d samples, %d duplicates, %+v", len(res.Samples), sum.Duplicates, sum.Files[1])
	}
}

func TestLoadErrors(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "app.log")
	os.WriteFile(empty, []byte("2025-09-14T10:15:00.000Z\tabc\tINFO\thello\nSTART RequestId: x Version: $LATEST\n"), 0o644)
	tests := []struct {
		name  string
		paths []string
		opts  Options
		want  string
		is    error
	}{
		{"no input", nil, Options{}, "no input", nil},
		{"unreadable", []string{td("nope.log")}, Options{}, "nope.log", os.ErrNotExist},
		{"nothing found", []string{empty}, Options{}, "no REPORT lines found in " + empty, ErrNothingFound},
		{"bad arch", []string{td("tail.txt")}, Options{Arch: "sparc"}, "unknown architecture", nil},
		{"stdin twice", []string{"-", "-"}, Options{Stdin: strings.NewReader("")}, "stdin (-) named twice", nil},
		{"csv without usable header", []string{"-"}, Options{Stdin: strings.NewReader("@requestId,@logStream\n")}, "stdin: no @duration", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Load(tt.paths, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}
