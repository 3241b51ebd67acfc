package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func testRun() Run {
	return Run{
		ID: "run-1", Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		ScenarioPath: "examples/quickstart.yaml", Scenario: "name: quickstart\n", ScenarioHash: "abc123",
		Target:    TargetInfo{Kind: "local", Region: "us-east-1", Sandbox: "cgroup2", SandboxLimits: "memory, cpu"},
		Host:      Host{Hostname: "box", OS: "linux", Arch: "amd64", CPU: "Xeon", CPUs: 2, Kernel: "6.1", Go: "go1.26"},
		Version:   "v0.1.0",
		Variants:  []VariantInfo{{Name: "uppercase-go", Function: "Uppercase", Arch: "x86_64", Runtime: "provided.al2023", MemoryMB: 128, PackageBytes: 4 << 20, PackageFiles: 1}},
		ColdRatio: 0.01,
	}
}

func testSample(seq int) Sample {
	at := time.Date(2026, 1, 2, 3, 4, 5, seq*1000, time.UTC)
	s := Sample{
		Run: "run-1", Variant: "uppercase-go", Phase: PhaseCold, PhaseIndex: 0, MemoryMB: 128, Arch: "x86_64", Seq: seq,
		RequestID: fmt.Sprintf("req-%d", seq), Cold: true, InitMS: 80.5, DurationMS: 1.25, BilledMS: 82, MaxMemoryMB: 20,
		ClientMS: 90.125, IntendedAt: at, SentAt: at, DoneAt: at.Add(90 * time.Millisecond), Status: 200,
	}
	if seq%3 == 2 {
		s.Cold, s.InitMS, s.Flag = false, 0, FlagNotCold
		s.FunctionError, s.ErrorType, s.ReportStatus = "Unhandled", "Runtime.ExitError", "error"
	}
	return s
}

// writeResults creates path with the test header and n samples.
func writeResults(t *testing.T, path string, n int) []Sample {
	t.Helper()
	w, err := Create(path, testRun())
	if err != nil {
		t.Fatal(err)
	}
	var want []Sample
	for i := range n {
		s := testSample(i)
		if err := w.Sample(s); err != nil {
			t.Fatal(err)
		}
		s.Kind = KindSample
		want = append(want, s)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return want
}

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	want := writeResults(t, path, 5)
	res, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantRun := testRun()
	wantRun.Kind = KindRun
	if !reflect.DeepEqual(res.Run, wantRun) {
		t.Errorf("header\n got %+v\nwant %+v", res.Run, wantRun)
	}
	if !reflect.DeepEqual(res.Samples, want) {
		t.Errorf("samples\n got %+v\nwant %+v", res.Samples, want)
	}
	fi, _ := os.Stat(path)
	if res.ValidBytes != fi.Size() || len(res.Warnings) != 0 {
		t.Errorf("ValidBytes %d of %d, warnings %q", res.ValidBytes, fi.Size(), res.Warnings)
	}
	b, _ := os.ReadFile(path)
	if lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"); len(lines) != 6 || !strings.HasPrefix(lines[0], `{"kind":"run"`) {
		t.Errorf("want a header line and 5 sample lines, got:\n%s", b)
	}
}

func TestCreateRefusesToOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(path, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path, testRun()); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Create over an existing file: %v, want ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious\n" {
		t.Errorf("file changed to %q", b)
	}
}

// A sample waits in the buffer no longer than syncEvery, even when no
// further line comes to push it out (the idle strategy waits seconds).
func TestWriterFlushesWithinWindow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	w, err := Create(path, testRun())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Sample(testSample(0)); err != nil { // just after the header's sync: buffered
		t.Fatal(err)
	}
	deadline := time.Now().Add(syncEvery + 2*time.Second)
	for {
		res, err := ReadFile(path)
		if err == nil && len(res.Samples) == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sample not on disk %v after writing it (err %v)", syncEvery+2*time.Second, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReadTornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	want := writeResults(t, path, 4)
	b, _ := os.ReadFile(path)
	lastStart := int64(bytes.LastIndexByte(b[:len(b)-1], '\n') + 1)
	torn := lastStart + 17 // mid-line, as a crash leaves it
	if err := os.Truncate(path, torn); err != nil {
		t.Fatal(err)
	}
	res, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Samples, want[:3]) {
		t.Errorf("got %d samples, want the 3 complete ones", len(res.Samples))
	}
	if res.ValidBytes != lastStart {
		t.Errorf("ValidBytes %d, want %d (end of the last complete line)", res.ValidBytes, lastStart)
	}
	if len(res.Warnings) != 1 || res.Warnings[0] != "line 5: incomplete last line (17 bytes) skipped" {
		t.Errorf("warnings %q", res.Warnings)
	}

	// Resuming cuts the torn tail, marks the resume, and appends.
	w, err := Append(path, res.ValidBytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, seq := range []int{3, 4} {
		if err := w.Sample(testSample(seq)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	res, err = ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s4 := testSample(4)
	s4.Kind = KindSample
	if got := append(want[:4:4], s4); !reflect.DeepEqual(res.Samples, got) {
		t.Errorf("after resume\n got %+v\nwant %+v", res.Samples, got)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings after resume: %q", res.Warnings)
	}
	b, _ = os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[4], `{"at":`) || !strings.Contains(lines[4], `"kind":"resume"`) {
		t.Errorf("want header, 3 samples, a resume marker, 2 samples; got:\n%s", b)
	}
}

func TestAppendMissingFile(t *testing.T) {
	if _, err := Append(filepath.Join(t.TempDir(), "nope.jsonl"), 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v", err)
	}
}

func TestReadSkipsBadLines(t *testing.T) {
	header := `{"kind":"run","id":"r"}`
	sample := `{"kind":"sample","variant":"v","seq":%d}`
	tests := []struct {
		name       string
		in         string
		samples    int
		warnings   []string
		validBytes int // -1: the whole input
		err        string
	}{
		{"clean", header + "\n" + fmt.Sprintf(sample, 0) + "\n", 1, nil, -1, ""},
		{"garbage line", header + "\nnot json at all\n" + fmt.Sprintf(sample, 0) + "\n", 1,
			[]string{"line 2: not JSON, skipped"}, -1, ""},
		{"unknown kind", header + "\n" + `{"kind":"histogram"}` + "\n" + fmt.Sprintf(sample, 1) + "\n", 1,
			[]string{`line 2: unknown kind "histogram" skipped`}, -1, ""},
		{"bad sample", header + "\n" + `{"kind":"sample","seq":"one"}` + "\n", 0,
			[]string{`line 2: bad sample skipped: json: cannot unmarshal string into Go struct field Sample.seq of type int`}, -1, ""},
		{"second header", header + "\n" + header + "\n", 0,
			[]string{"line 2: second run header skipped"}, -1, ""},
		{"garbage last complete line is kept on resume", header + "\n" + fmt.Sprintf(sample, 0) + "\n{oops\n", 1,
			[]string{"line 3: not JSON, skipped"}, -1, ""},
		{"blank lines and CRLF", header + "\r\n\n" + fmt.Sprintf(sample, 0) + "\r\n", 1, nil, -1, ""},
		{"resume marker", header + "\n" + `{"kind":"resume","at":"2026-01-01T00:00:00Z"}` + "\n" + fmt.Sprintf(sample, 0) + "\n", 1, nil, -1, ""},
		{"no header", fmt.Sprintf(sample, 0) + "\n", 1, nil, -1, "no run header: not a coldstart results file"},
		{"empty", "", 0, nil, 0, "no run header: not a coldstart results file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read(strings.NewReader(tt.in))
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Samples) != tt.samples || !reflect.DeepEqual(res.Warnings, tt.warnings) {
				t.Errorf("%d samples, warnings %q; want %d, %q", len(res.Samples), res.Warnings, tt.samples, tt.warnings)
			}
			want := int64(tt.validBytes)
			if tt.validBytes < 0 {
				want = int64(len(tt.in))
			}
			if res.ValidBytes != want {
				t.Errorf("ValidBytes %d, want %d", res.ValidBytes, want)
			}
		})
	}
}

func TestReadFileNoHeaderNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(path, []byte(`{"kind":"sample"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": no run header") {
		t.Errorf("got %v", err)
	}
}

// A kill can land between a line's JSON and its newline: the line is whole
// but not known to be, so it is skipped like any torn line, and a resume
// cuts it and runs that sample again rather than keeping it twice.
func TestReadCompleteLineWithoutNewline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	want := writeResults(t, path, 3)
	b, _ := os.ReadFile(path)
	if err := os.Truncate(path, int64(len(b)-1)); err != nil {
		t.Fatal(err)
	}
	res, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lastStart := int64(bytes.LastIndexByte(b[:len(b)-1], '\n') + 1)
	if !reflect.DeepEqual(res.Samples, want[:2]) || res.ValidBytes != lastStart || len(res.Warnings) != 1 ||
		!strings.Contains(res.Warnings[0], "incomplete last line") {
		t.Errorf("got %d samples, ValidBytes %d (want %d), warnings %q", len(res.Samples), res.ValidBytes, lastStart, res.Warnings)
	}
}
