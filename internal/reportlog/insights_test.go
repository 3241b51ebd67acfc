package reportlog

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseInsightsCSVExport(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "insights.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ParseInsightsCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if s.Format != FormatInsightsCSV || s.Lines != 15 || len(s.Reports) != 14 || s.Malformed != 1 || s.Skipped != 0 || len(s.Missing) != 0 {
		t.Fatalf("format %q, %d rows, %d reports, %d malformed, %d skipped, missing %v",
			s.Format, s.Lines, len(s.Reports), s.Malformed, s.Skipped, s.Missing)
	}
	perFunction := map[string][2]int{} // cold, warm
	for _, r := range s.Reports {
		// 1024000000 bytes is 1024 MB as Logs Insights counts them.
		if r.Report.MemorySizeMB != 1024 || r.Report.MaxMemoryUsedMB < 90 || r.Report.MaxMemoryUsedMB > 96 {
			t.Errorf("memory of %+v", r.Report)
		}
		if r.LogGroup != "/aws/lambda/"+r.Function || r.Stream == "" || r.Timestamp.IsZero() || r.Version != "$LATEST" {
			t.Errorf("origin of %+v", r)
		}
		c := perFunction[r.Function]
		if r.Report.HasInit {
			c[0]++
		} else {
			c[1]++
		}
		perFunction[r.Function] = c
	}
	if want := map[string][2]int{"orders-jit": {3, 4}, "orders-aot": {3, 4}}; !reflect.DeepEqual(perFunction, want) {
		t.Errorf("cold/warm per function %v, want %v", perFunction, want)
	}
	first := s.Reports[0]
	if first.Report.DurationMS != 528.31 || first.Report.InitDurationMS != 718.41 || first.Report.BilledMS != 1247 || first.Line != 2 {
		t.Errorf("first record %+v", first)
	}
	if ts := time.Date(2025, 9, 14, 10, 20, 1, 0, time.UTC); !first.Timestamp.Equal(ts) {
		t.Errorf("timestamp %v, want %v", first.Timestamp, ts)
	}
	if e := s.Examples[0]; e.Line != 16 || !strings.Contains(e.Err, "@maxMemoryUsed") {
		t.Errorf("example %+v", e)
	}
}

func TestParseInsightsCSV(t *testing.T) {
	const id = "8f5e0c1a-1b2c-4d3e-9f4a-5b6c7d8e9f00"
	tests := []struct {
		name                 string
		in                   string
		reports, bad, skip   int
		inits                int
		want                 Report // of the first record, when reports > 0
		missing              []string
		function, stream, ts string
	}{
		{name: "insights bytes",
			in:      "@timestamp,@requestId,@duration,@billedDuration,@initDuration,@maxMemoryUsed,@memorySize\n2025-09-14 10:15:01.834," + id + ",1010.14,1011,918.52,115000000,128000000\n",
			reports: 1, ts: "2025-09-14T10:15:01.834Z",
			want: Report{RequestID: id, DurationMS: 1010.14, BilledMS: 1011, MemorySizeMB: 128, MaxMemoryUsedMB: 115, InitDurationMS: 918.52, HasInit: true}},
		{name: "MiB bytes, no @, odd case and blanks",
			in:      " RequestId , DURATION,billed_duration, Max Memory Used ,memorySize\n" + id + ",12.345,13,120586240,134217728\n",
			reports: 1, want: Report{RequestID: id, DurationMS: 12.35, BilledMS: 13, MemorySizeMB: 128, MaxMemoryUsedMB: 115}},
		{name: "bytes not a whole MiB round up",
			in:      "requestId,duration,billedDuration,maxMemoryUsed,memorySize\n" + id + ",1,1,120586241,128\n",
			reports: 1, want: Report{RequestID: id, DurationMS: 1, BilledMS: 1, MemorySizeMB: 128, MaxMemoryUsedMB: 116}},
		{name: "MB already, BOM, quoted",
			in:      "\ufeff\"@requestId\",\"@duration\",\"@billedDuration\",\"maxMemoryUsedMB\",\"memorySizeMB\"\n\"" + id + "\",\"2.00\",\"2\",\"70\",\"256\"\n",
			reports: 1, want: Report{RequestID: id, DurationMS: 2, BilledMS: 2, MemorySizeMB: 256, MaxMemoryUsedMB: 70}},
		{name: "log group and stream",
			in:      "@log,@logStream,@requestId,@duration,@billedDuration,@maxMemoryUsed,@memorySize\n123456789012:/aws/lambda/my-fn,2025/09/14/[7]0123456789abcdef0123456789abcdef," + id + ",1,1,70000000,128000000\n",
			reports: 1, function: "my-fn", stream: "2025/09/14/[7]0123456789abcdef0123456789abcdef",
			want: Report{RequestID: id, DurationMS: 1, BilledMS: 1, MemorySizeMB: 128, MaxMemoryUsedMB: 70}},
		{name: "other types skipped",
			in:      "@type,@requestId,@duration,@billedDuration,@maxMemoryUsed,@memorySize\nSTART," + id + ",,,,\nREPORT," + id + ",1,1,70000000,128000000\nEND," + id + ",,,,\n",
			reports: 1, skip: 2, want: Report{RequestID: id, DurationMS: 1, BilledMS: 1, MemorySizeMB: 128, MaxMemoryUsedMB: 70}},
		{name: "rows without duration skipped",
			in:   "@requestId,@duration,@billedDuration,@maxMemoryUsed,@memorySize\n" + id + ",,,,\n",
			skip: 1},
		{name: "message column gives status",
			in:      "@timestamp,@type,@message,@duration\n2025-09-14 10:15:01.834,REPORT,\"REPORT RequestId: " + id + "\tDuration: 3000.00 ms\tBilled Duration: 3068 ms\tMemory Size: 128 MB\tMax Memory Used: 35 MB\tInit Duration: 67.49 ms\tStatus: timeout\n\",3000\n",
			reports: 1, ts: "2025-09-14T10:15:01.834Z",
			want: Report{RequestID: id, DurationMS: 3000, BilledMS: 3068, MemorySizeMB: 128, MaxMemoryUsedMB: 35, InitDurationMS: 67.49, HasInit: true, Status: StatusTimeout}},
		{name: "messages only (console export)",
			in:    "timestamp,message\n1757844901834,\"START RequestId: " + id + " Version: $LATEST\n\"\n1757844901835,\"INIT_REPORT Init Duration: 229.04 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError\"\n",
			inits: 1, skip: 1},
		{name: "status and error type columns",
			in:      "requestId,duration,billedDuration,maxMemoryUsed,memorySize,status,errorType\n" + id + ",1,1,70,128,Error,Runtime.ExitError\n",
			reports: 1, want: Report{RequestID: id, DurationMS: 1, BilledMS: 1, MemorySizeMB: 128, MaxMemoryUsedMB: 70, Status: StatusError, ErrorType: "Runtime.ExitError"}},
		{name: "missing columns",
			in:      "@duration,@initDuration\n5.5,100\n",
			reports: 1, missing: []string{"@requestId", "@billedDuration", "@memorySize", "@maxMemoryUsed"},
			want: Report{RequestID: "row-2", DurationMS: 5.5, InitDurationMS: 100, HasInit: true}},
		{name: "unparsable numbers",
			in:  "@requestId,@duration,@billedDuration,@maxMemoryUsed,@memorySize\na,fast,1,1,1\nb,1,-1,1,1\nc,1,1,NaN,1\nd,1,1,1,lots\ne e,1,1,1,1\nf,1e309,1,1,1\n",
			bad: 6},
		{name: "short rows",
			in:      "@requestId,@duration,@billedDuration,@maxMemoryUsed,@memorySize\n" + id + ",1\n",
			bad:     1,
			missing: nil},
		{name: "stray quotes are tolerated",
			in:      "@requestId,@duration,@billedDuration,@maxMemoryUsed,@memorySize\n" + id + ",1,1,70,128\n\"a\"b\",1,1,1,1\n",
			reports: 2, want: Report{RequestID: id, DurationMS: 1, BilledMS: 1, MemorySizeMB: 128, MaxMemoryUsedMB: 70}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseInsightsCSV(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Reports) != tt.reports || s.Malformed != tt.bad || s.Skipped != tt.skip || len(s.InitReports) != tt.inits {
				t.Fatalf("%d reports, %d malformed, %d skipped, %d init reports; want %d, %d, %d, %d (examples %v)",
					len(s.Reports), s.Malformed, s.Skipped, len(s.InitReports), tt.reports, tt.bad, tt.skip, tt.inits, s.Examples)
			}
			if !reflect.DeepEqual(s.Missing, tt.missing) {
				t.Errorf("missing %v, want %v", s.Missing, tt.missing)
			}
			if tt.reports == 0 {
				return
			}
			r := s.Reports[0]
			if !reflect.DeepEqual(r.Report, tt.want) {
				t.Errorf("report\n got %+v\nwant %+v", r.Report, tt.want)
			}
			if r.Function != tt.function || r.Stream != tt.stream {
				t.Errorf("origin %+v", r)
			}
			var ts time.Time
			if tt.ts != "" {
				ts, _ = time.Parse(time.RFC3339Nano, tt.ts)
			}
			if !r.Timestamp.Equal(ts) {
				t.Errorf("timestamp %v, want %v", r.Timestamp, ts)
			}
		})
	}
}

func TestParseInsightsCSVErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":       "",
		"no duration": "@timestamp,@logStream\n2025-09-14 10:15:01.834,x\n",
	} {
		if _, err := ParseInsightsCSV(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestMemoryMB(t *testing.T) {
	for in, want := range map[string]int{
		"128000000": 128, "1024000000": 1024, "10240000000": 10240, // Logs Insights (1 MB = 10^6 B)
		"134217728": 128, "120586240": 115, // MiB
		"120586241": 116,                     // other byte counts round up
		"128":       128, "70.2": 71, "0": 0, // MB already
	} {
		got, err := memoryMB(in)
		if err != nil || got != want {
			t.Errorf("memoryMB(%s) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1", "NaN", "1e300"} {
		if _, err := memoryMB(in); err == nil {
			t.Errorf("memoryMB(%q): no error", in)
		}
	}
}

func TestIsInsightsHeader(t *testing.T) {
	for line, want := range map[string]bool{
		"@timestamp,@requestId,@logStream,@duration,@billedDuration,@initDuration,@maxMemoryUsed,@memorySize": true,
		"requestId,duration":     true,
		"\"@duration\",\"@log\"": true,
		"timestamp,message":      true,
		"message,foo":            false,
		lineWarm:                 false,
		"2025-09-14T10:15:00.101000+00:00 " + stream + " INIT_START Runtime Version: provided:al2023.v95": false,
		`{"events": [`: false,
		"":             false,
	} {
		if got := IsInsightsHeader(line); got != want {
			t.Errorf("IsInsightsHeader(%q) = %v, want %v", line, got, want)
		}
	}
}
