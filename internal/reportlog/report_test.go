package reportlog

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// Lines observed in real CloudWatch output (lambda-spec.md §4).
const (
	obsSuccess = "REPORT RequestId: 1e5c8abd-3d36-461b-8c0f-a56b952715b3\tDuration: 1010.14 ms\tBilled Duration: 1011 ms\tMemory Size: 128 MB\tMax Memory Used: 115 MB\tInit Duration: 918.52 ms\t"
	obsTimeout = "REPORT RequestId: 1e5c8abd-3d36-461b-8c0f-a56b952715b3\tDuration: 3000.00 ms\tBilled Duration: 3068 ms\tMemory Size: 128 MB\tMax Memory Used: 35 MB\tInit Duration: 67.49 ms\tStatus: timeout"
	obsOOM     = "REPORT RequestId: 1e5c8abd-3d36-461b-8c0f-a56b952715b3\tDuration: 8948.73 ms\tBilled Duration: 8949 ms\tMemory Size: 2048 MB\tMax Memory Used: 2048 MB\tInit Duration: 495.04 ms\tStatus: error\tError Type: Runtime.OutOfMemory"
	obsRestore = "REPORT RequestId: 1e5c8abd-3d36-461b-8c0f-a56b952715b3\tDuration: 159.87 ms\tBilled Duration: 278 ms\tMemory Size: 1024 MB\tMax Memory Used: 88 MB\tRestore Duration: 562.43 ms\tBilled Restore Duration: 118 ms\t"
)

func TestReportRoundTrip(t *testing.T) {
	for name, line := range map[string]string{
		"success": obsSuccess, "timeout": obsTimeout, "oom": obsOOM, "restore": obsRestore,
	} {
		t.Run(name, func(t *testing.T) {
			r, err := ParseReport(line)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.String(); got != line {
				t.Errorf("format(parse(line)):\n got %q\nwant %q", got, line)
			}
		})
	}
}

func TestParseReport(t *testing.T) {
	id := "1e5c8abd-3d36-461b-8c0f-a56b952715b3"
	tests := []struct {
		name string
		line string
		want Report
	}{
		{"observed cold", obsSuccess, Report{RequestID: id, DurationMS: 1010.14, BilledMS: 1011, MemorySizeMB: 128, MaxMemoryUsedMB: 115, InitDurationMS: 918.52, HasInit: true}},
		{"warm, no trailing tab", "REPORT RequestId: " + id + "\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB",
			Report{RequestID: id, DurationMS: 1.5, BilledMS: 2, MemorySizeMB: 128, MaxMemoryUsedMB: 20}},
		{"oom", obsOOM, Report{RequestID: id, DurationMS: 8948.73, BilledMS: 8949, MemorySizeMB: 2048, MaxMemoryUsedMB: 2048, InitDurationMS: 495.04, HasInit: true, Status: StatusError, ErrorType: "Runtime.OutOfMemory"}},
		{"tabs turned to spaces, timestamp prefix", "2024-01-02T03:04:05.678Z REPORT RequestId: " + id + " Duration: 12.34 ms Billed Duration: 13 ms Memory Size: 512 MB Max Memory Used: 64 MB Init Duration: 150.00 ms\n",
			Report{RequestID: id, DurationMS: 12.34, BilledMS: 13, MemorySizeMB: 512, MaxMemoryUsedMB: 64, InitDurationMS: 150, HasInit: true}},
		{"unknown field kept", "REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\tCPU Share: 0.07 vCPU\t",
			Report{RequestID: "x", DurationMS: 1, BilledMS: 1, MemorySizeMB: 128, MaxMemoryUsedMB: 9, Extra: []Field{{"CPU Share", "0.07 vCPU"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReport(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseReportErrors(t *testing.T) {
	tests := []struct{ name, line, want string }{
		{"not a report", "START RequestId: x Version: $LATEST", "not a REPORT line"},
		{"missing memory", "REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: 1 ms", `missing "Memory Size"`},
		{"bad duration", "REPORT RequestId: x\tDuration: fast\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB", "Duration"},
		{"negative billed", "REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: -1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB", "Billed Duration"},
		{"bad status", "REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\tStatus: meh", "unknown status"},
		{"repeated", "REPORT RequestId: x\tDuration: 1.00 ms\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB", "repeated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseReport(tt.line)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestInitReport(t *testing.T) {
	tests := []struct {
		line string
		want InitReport
	}{
		{"INIT_REPORT Init Duration: 229.04 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError",
			InitReport{InitDurationMS: 229.04, Phase: PhaseInit, Status: StatusError, ErrorType: "Runtime.ImportModuleError"}},
		{"INIT_REPORT Init Duration: 10009.13 ms\tPhase: init\tStatus: timeout",
			InitReport{InitDurationMS: 10009.13, Phase: PhaseInit, Status: StatusTimeout}},
		{"INIT_REPORT Init Duration: 2510.65 ms", InitReport{InitDurationMS: 2510.65}},
	}
	for _, tt := range tests {
		got, err := ParseInitReport(tt.line)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("parse %q = %+v, want %+v", tt.line, got, tt.want)
		}
		if s := got.String(); s != tt.line {
			t.Errorf("format = %q, want %q", s, tt.line)
		}
	}
}

func TestSimpleLines(t *testing.T) {
	if got, want := Start("abc", "$LATEST"), "START RequestId: abc Version: $LATEST"; got != want {
		t.Errorf("Start = %q, want %q", got, want)
	}
	if got, want := End("abc"), "END RequestId: abc"; got != want {
		t.Errorf("End = %q, want %q", got, want)
	}
	if got, want := InitStart("provided:al2023.v1", "arn:x"), "INIT_START Runtime Version: provided:al2023.v1\tRuntime Version ARN: arn:x"; got != want {
		t.Errorf("InitStart = %q, want %q", got, want)
	}
}

func TestBilledMS(t *testing.T) {
	tests := []struct {
		name           string
		duration, init time.Duration
		want           int64
	}{
		// Observed pairs from lambda-spec.md §4.
		{"timeout plus init", 3000 * time.Millisecond, FromMillis(67.49), 3068},
		{"managed runtime 2025", FromMillis(1233.96), FromMillis(463.512), 1698},
		{"small", FromMillis(395.99), FromMillis(265.72), 662},
		{"exact millisecond is not rounded up", 3 * time.Second, 0, 3000},
		{"one nanosecond over", time.Millisecond + 1, 0, 2},
		{"zero", 0, 0, 0},
	}
	for _, tt := range tests {
		if got := BilledMS(tt.duration, tt.init); got != tt.want {
			t.Errorf("%s: BilledMS = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestMB(t *testing.T) {
	for in, want := range map[uint64]int{0: 0, 1: 1, 1 << 20: 1, 1<<20 + 1: 2, 100 << 20: 100} {
		if got := MB(in); got != want {
			t.Errorf("MB(%d) = %d, want %d", in, got, want)
		}
	}
}

func FuzzParseReport(f *testing.F) {
	for _, s := range []string{obsSuccess, obsTimeout, obsOOM, obsRestore, "REPORT RequestId: x Duration: 1 ms", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := ParseReport(line)
		if err != nil {
			return
		}
		// Whatever parses must format to a line that parses to the same record.
		again, err := ParseReport(r.String())
		if err != nil {
			t.Fatalf("reparse of %q: %v", r.String(), err)
		}
		if !reflect.DeepEqual(again.RequestID, r.RequestID) || again.BilledMS != r.BilledMS || again.HasInit != r.HasInit || again.Status != r.Status {
			t.Fatalf("round trip changed record: %+v vs %+v", r, again)
		}
	})
}
