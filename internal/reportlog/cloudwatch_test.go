package reportlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func scanFile(t *testing.T, name string) *LogScan {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := ScanLogs(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// counts summarises a scan for table tests.
type counts struct {
	format                     string
	lines, reports, cold, init int
	malformed                  int
	memory                     map[int]int // Memory Size → REPORTs
	streams                    int
}

func countScan(s *LogScan) counts {
	c := counts{format: s.Format, lines: s.Lines, reports: len(s.Reports), init: len(s.InitReports), malformed: s.Malformed, memory: map[int]int{}}
	streams := map[string]bool{}
	for _, r := range s.Reports {
		if r.Report.HasInit {
			c.cold++
		}
		c.memory[r.Report.MemorySizeMB]++
		if r.Stream != "" {
			streams[r.Stream] = true
		}
	}
	c.streams = len(streams)
	return c
}

func TestScanLogsCaptures(t *testing.T) {
	tests := []struct {
		file string
		want counts
	}{
		{"text.log", counts{FormatLogText, 27, 7, 2, 2, 1, map[int]int{128: 5, 256: 2}, 0}},
		{"json.log", counts{FormatLogText, 13, 3, 1, 1, 1, map[int]int{256: 3}, 0}},
		{"tail.txt", counts{FormatLogText, 21, 6, 2, 0, 0, map[int]int{512: 6}, 2}},
		{"events.txt", counts{FormatLogText, 14, 2, 1, 0, 0, map[int]int{1024: 2}, 1}},
		{"events.json", counts{FormatEventsJSON, 6, 2, 1, 0, 0, map[int]int{128: 2}, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := countScan(scanFile(t, tt.file))
			if got.format != tt.want.format || got.lines != tt.want.lines || got.reports != tt.want.reports ||
				got.cold != tt.want.cold || got.init != tt.want.init || got.malformed != tt.want.malformed ||
				got.streams != tt.want.streams || len(got.memory) != len(tt.want.memory) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
			for mb, n := range tt.want.memory {
				if got.memory[mb] != n {
					t.Errorf("%d MB: %d REPORTs, want %d", mb, got.memory[mb], n)
				}
			}
		})
	}
}

func TestScanLogsText(t *testing.T) {
	s := scanFile(t, "text.log")
	first := s.Reports[0]
	want, err := ParseReport(obsSuccess)
	if err != nil {
		t.Fatal(err)
	}
	want.RequestID = first.RequestID
	if first.Report.String() != want.String() || first.Version != "$LATEST" || first.Line != 5 {
		t.Errorf("first record %+v", first)
	}
	if r := s.Reports[2].Report; r.Status != StatusTimeout || r.DurationMS != 3000 {
		t.Errorf("timeout record %+v", r)
	}
	if r := s.Reports[3].Report; r.Status != StatusError || r.ErrorType != "Runtime.ImportModuleError" {
		t.Errorf("init-error record %+v", r)
	}
	if r := s.Reports[4].Report; r.DurationMS != 2.05 || r.MaxMemoryUsedMB != 116 {
		t.Errorf("space-separated record %+v", r)
	}
	if got := s.InitReports[0].Report; got.Phase != PhaseInit || got.Status != StatusError || got.InitDurationMS != 229.04 {
		t.Errorf("INIT_REPORT %+v", got)
	}
	if len(s.Examples) != 1 || s.Examples[0].Line != 19 || !strings.Contains(s.Examples[0].Err, "Duration") {
		t.Errorf("examples %+v", s.Examples)
	}
}

func TestScanLogsJSONFormat(t *testing.T) {
	s := scanFile(t, "json.log")
	cold := s.Reports[0]
	const want = "\tDuration: 1233.96 ms\tBilled Duration: 1698 ms\tMemory Size: 256 MB\tMax Memory Used: 123 MB\tInit Duration: 463.51 ms\t"
	if got := cold.Report.String(); got != "REPORT RequestId: "+cold.RequestID+want {
		t.Errorf("cold report formats as\n%q", got)
	}
	if cold.Function != "orders" || cold.Region != "eu-central-1" || cold.Version != "$LATEST" {
		t.Errorf("origin of %+v", cold)
	}
	if ts := time.Date(2025, 9, 14, 10, 15, 1, 834e6, time.UTC); !cold.Timestamp.Equal(ts) {
		t.Errorf("timestamp %v, want %v", cold.Timestamp, ts)
	}
	if r := s.Reports[1].Report; r.DurationMS != 4.21 || r.HasInit {
		t.Errorf("warm report %+v", r)
	}
	if r := s.Reports[2].Report; r.Status != StatusError || r.ErrorType != "Runtime.UnhandledPromiseRejection" {
		t.Errorf("error report %+v", r)
	}
	if ir := s.InitReports[0]; ir.Report.Status != StatusError || ir.Report.ErrorType != "Runtime.ImportModuleError" || ir.Function != "orders" {
		t.Errorf("init report %+v", ir)
	}
	if len(s.Examples) != 1 || s.Examples[0].Line != 13 {
		t.Errorf("examples %+v", s.Examples)
	}
}

func TestScanLogsTail(t *testing.T) {
	s := scanFile(t, "tail.txt")
	r := s.Reports[0]
	if !strings.HasPrefix(r.Stream, "2025/09/14/[$LATEST]") || r.Version != "$LATEST" || r.Report.InitDurationMS != 70.31 {
		t.Errorf("first record %+v", r)
	}
	if ts := time.Date(2025, 9, 14, 10, 15, 0, 190e6, time.UTC); !r.Timestamp.Equal(ts) {
		t.Errorf("timestamp %v, want %v", r.Timestamp, ts)
	}
	if s.Reports[1].Stream == r.Stream {
		t.Error("the second cold start is in the other stream")
	}
}

func TestScanLogsFilterEvents(t *testing.T) {
	for _, file := range []string{"events.txt", "events.json"} {
		s := scanFile(t, file)
		for _, r := range s.Reports {
			if r.Timestamp.IsZero() || r.Stream == "" {
				t.Errorf("%s: record without timestamp or stream: %+v", file, r)
			}
		}
	}
	s := scanFile(t, "events.txt")
	// The event timestamps (after the message), not the ingestion times.
	if got := s.Reports[0].Timestamp.UnixMilli(); got != 1757844901501 {
		t.Errorf("timestamp %d, want 1757844901501", got)
	}
	if got := s.Reports[1].Timestamp.UnixMilli(); got != 1757844902122 {
		t.Errorf("timestamp %d, want 1757844902122", got)
	}
	if s.Reports[0].Version != "12" {
		t.Errorf("version %q, want 12", s.Reports[0].Version)
	}
}

const (
	lineWarm = "REPORT RequestId: 8f5e0c1a-1b2c-4d3e-9f4a-5b6c7d8e9f00\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t"
	stream   = "2025/09/14/[$LATEST]0123456789abcdef0123456789abcdef"
)

func TestScanLogsLines(t *testing.T) {
	jsonReport := `{"time":"2025-09-14T10:15:01.834Z","type":"platform.report","record":{"requestId":"r1","metrics":{"durationMs":1.006,"billedDurationMs":2,"memorySizeMB":128,"maxMemoryUsedMB":20},"status":"timeout"}}`
	tests := []struct {
		name              string
		in                string
		reports, bad      int
		stream, function  string
		ts                string // RFC 3339, "" for none
		inits, lines      int
		duration          float64
		status, errorType string
	}{
		{name: "bare", in: lineWarm, reports: 1, lines: 1, duration: 1.5},
		{name: "console export timestamp", in: "2025-09-14T10:15:01.834Z " + lineWarm, reports: 1, lines: 1, ts: "2025-09-14T10:15:01.834Z", duration: 1.5},
		{name: "tab after timestamp", in: "2025-09-14T10:15:01.834Z\t" + lineWarm, reports: 1, lines: 1, ts: "2025-09-14T10:15:01.834Z", duration: 1.5},
		{name: "insights console copy", in: "2025-09-14 10:15:01.834 " + lineWarm, reports: 1, lines: 1, ts: "2025-09-14T10:15:01.834Z", duration: 1.5},
		{name: "epoch millis", in: "1757844901834\t" + lineWarm, reports: 1, lines: 1, ts: "2025-09-14T10:15:01.834Z", duration: 1.5},
		{name: "tail short format", in: "2025-09-14T10:15:01 " + lineWarm, reports: 1, lines: 1, ts: "2025-09-14T10:15:01Z", duration: 1.5},
		{name: "tail detailed", in: "2025-09-14T10:15:01.834000+00:00 " + stream + " " + lineWarm, reports: 1, lines: 1, stream: stream, ts: "2025-09-14T10:15:01.834Z", duration: 1.5},
		{name: "tail with colours", in: "\x1b[32m2025-09-14T10:15:01.834000+00:00\x1b[0m \x1b[36m" + stream + "\x1b[0m " + lineWarm, reports: 1, lines: 1, stream: stream, ts: "2025-09-14T10:15:01.834Z", duration: 1.5},
		{name: "log group prefix", in: "/aws/lambda/my-fn " + stream + " " + lineWarm, reports: 1, lines: 1, stream: stream, function: "my-fn", duration: 1.5},
		{name: "grep -n prefix", in: "12:" + lineWarm, reports: 1, lines: 1, duration: 1.5},
		{name: "CRLF", in: lineWarm + "\r\n", reports: 1, lines: 1, duration: 1.5},
		{name: "spaces", in: strings.ReplaceAll(lineWarm, "\t", " "), reports: 1, lines: 1, duration: 1.5},
		{name: "function output ignored", in: "2025-09-14T10:15:01.834Z\tabc\tINFO\tall good\nSTART RequestId: x Version: $LATEST\nEND RequestId: x\nhello\n\nREPORT generated for user 7\n", lines: 6},
		{name: "json report", in: jsonReport, reports: 1, lines: 1, ts: "2025-09-14T10:15:01.834Z", duration: 1.01, status: StatusTimeout},
		{name: "json report after tail prefix", in: "2025-09-14T10:15:02.000000+00:00 " + stream + " " + jsonReport, reports: 1, lines: 1, stream: stream, ts: "2025-09-14T10:15:02Z", duration: 1.01, status: StatusTimeout},
		{name: "json failure status", in: strings.Replace(jsonReport, `"timeout"}`, `"failure","errorType":"Runtime.ExitError\tx"}`, 1), reports: 1, lines: 1, ts: "2025-09-14T10:15:01.834Z", duration: 1.01, status: StatusError, errorType: "Runtime.ExitError x"},
		{name: "tail --format none", in: `{"logStreamName":"` + stream + `","timestamp":1757844901834,"message":"` + strings.ReplaceAll(lineWarm, "\t", `\t`) + `\n","ingestionTime":1757844902000,"eventId":"3"}`, reports: 1, lines: 1, stream: stream, ts: "2025-09-14T10:15:01.834Z", duration: 1.5},
		{name: "live tail event", in: `{"logGroupIdentifier":"123456789012:/aws/lambda/fn-a","logStreamName":"` + stream + `","timestamp":1757844901834,"message":"` + strings.ReplaceAll(lineWarm, "\t", `\t`) + `"}`, reports: 1, lines: 1, stream: stream, function: "fn-a", ts: "2025-09-14T10:15:01.834Z", duration: 1.5},
		{name: "tail --format json", in: "2025-09-14T10:15:02.000000+00:00 " + stream + "\n{\n    \"time\": \"2025-09-14T10:15:01.834Z\",\n    \"type\": \"platform.report\",\n    \"record\": {\n        \"requestId\": \"r1\",\n        \"metrics\": {\"durationMs\": 7.777, \"billedDurationMs\": 8, \"memorySizeMB\": 128, \"maxMemoryUsedMB\": 20}\n    }\n}\n", reports: 1, lines: 9, stream: stream, ts: "2025-09-14T10:15:02Z", duration: 7.78},
		{name: "first line an application's JSON", in: `{"status":"ok","results":[]}` + "\n" + lineWarm, reports: 1, lines: 2, duration: 1.5},
		{name: "application JSON mentioning REPORT", in: `{"timestamp":"2025-09-14T10:15:00.500Z","level":"INFO","requestId":"r","message":"` + strings.ReplaceAll(lineWarm, "\t", `\t`) + `"}`, lines: 1},
		{name: "json init report", in: `{"time":"2025-09-14T10:16:00.000Z","type":"platform.initReport","record":{"phase":"init","status":"timeout","metrics":{"durationMs":10009.134}}}`, inits: 1, lines: 1},
		{name: "text init report", in: "INIT_REPORT Init Duration: 2510.65 ms", inits: 1, lines: 1},

		{name: "bad duration", in: strings.Replace(lineWarm, "1.50 ms", "1.50", 1), bad: 1, lines: 1},
		{name: "missing field", in: "REPORT RequestId: x\tDuration: 1.00 ms", bad: 1, lines: 1},
		{name: "bad init report", in: "INIT_REPORT Init Duration: soon", bad: 1, lines: 1},
		{name: "json report missing metric", in: strings.Replace(jsonReport, `"billedDurationMs":2,`, "", 1), bad: 1, lines: 1},
		{name: "json report fractional billed", in: strings.Replace(jsonReport, `"billedDurationMs":2`, `"billedDurationMs":2.5`, 1), bad: 1, lines: 1},
		{name: "json report negative", in: strings.Replace(jsonReport, `"durationMs":1.006`, `"durationMs":-1`, 1), bad: 1, lines: 1},
		{name: "json report bad status", in: strings.Replace(jsonReport, `"timeout"`, `"meh"`, 1), bad: 1, lines: 1},
		{name: "json report bad request id", in: strings.Replace(jsonReport, `"r1"`, `"r 1"`, 1), bad: 1, lines: 1},
		{name: "truncated json event", in: jsonReport[:80], bad: 1, lines: 1},
		{name: "pretty json cut off", in: "{\n    \"type\": \"platform.report\",\n", bad: 1, lines: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ScanLogs(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Reports) != tt.reports || s.Malformed != tt.bad || len(s.InitReports) != tt.inits || s.Lines != tt.lines {
				t.Fatalf("%d reports, %d init reports, %d malformed, %d lines; want %d, %d, %d, %d (examples %v)",
					len(s.Reports), len(s.InitReports), s.Malformed, s.Lines, tt.reports, tt.inits, tt.bad, tt.lines, s.Examples)
			}
			if s.Malformed != len(s.Examples) {
				t.Errorf("%d malformed but %d examples", s.Malformed, len(s.Examples))
			}
			if tt.reports == 0 {
				return
			}
			r := s.Reports[0]
			if r.Stream != tt.stream || r.Function != tt.function || r.Report.DurationMS != tt.duration ||
				r.Report.Status != tt.status || r.Report.ErrorType != tt.errorType {
				t.Errorf("record %+v", r)
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

func TestScanLogsExamplesCapped(t *testing.T) {
	in := strings.Repeat("REPORT RequestId: x\tDuration: nope\n", 12) + lineWarm + "\n"
	s, err := ScanLogs(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.Malformed != 12 || len(s.Examples) != MaxExamples || len(s.Reports) != 1 {
		t.Fatalf("%d malformed, %d examples, %d reports", s.Malformed, len(s.Examples), len(s.Reports))
	}
	for i, e := range s.Examples {
		if e.Line != i+1 {
			t.Errorf("example %d is line %d", i, e.Line)
		}
	}
}

func TestScanLogsLongLine(t *testing.T) {
	in := strings.Repeat("x", maxLineBytes+100) + "\n" + lineWarm + "\n"
	s, err := ScanLogs(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Reports) != 1 || s.Reports[0].Line != 2 || s.Lines != 2 {
		t.Fatalf("%d reports, %d lines", len(s.Reports), s.Lines)
	}
}

func TestScanLogsDocuments(t *testing.T) {
	quoted := strings.ReplaceAll(lineWarm, "\t", `\t`)
	tests := []struct {
		name                string
		in                  string
		format              string
		reports, bad, lines int
	}{
		{"get-log-events", `{"events":[{"timestamp":1757844901834,"message":"START RequestId: a Version: $LATEST\n","ingestionTime":1757844902000},{"timestamp":1757844901835,"message":"` + quoted + `\n","ingestionTime":1757844902000}],"nextForwardToken":"f/1","nextBackwardToken":"b/1"}`, FormatEventsJSON, 1, 0, 2},
		{"events array", `[{"logStreamName":"s","timestamp":1757844901835,"message":"` + quoted + `"}]`, FormatEventsJSON, 1, 0, 1},
		{"two documents", `{"events":[{"message":"` + quoted + `"}]}` + "\n" + `{"events":[{"message":"` + quoted + `"}]}`, FormatEventsJSON, 2, 0, 2},
		{"cut off", `{"events":[{"message":"` + quoted + `"},{"message":"REP`, FormatEventsJSON, 1, 1, 1},
		{"get-query-results", `{"results":[[{"field":"@timestamp","value":"2025-09-14 10:15:01.834"},{"field":"@requestId","value":"r1"},{"field":"@duration","value":"12.5"},{"field":"@billedDuration","value":"13"},{"field":"@memorySize","value":"128000000"},{"field":"@maxMemoryUsed","value":"70000000"},{"field":"@ptr","value":"x"}]],"statistics":{"recordsMatched":1.0},"status":"Complete"}`, FormatInsightsJSON, 1, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ScanLogs(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if s.Format != tt.format || len(s.Reports) != tt.reports || s.Malformed != tt.bad || s.Lines != tt.lines {
				t.Fatalf("format %q, %d reports, %d malformed, %d lines (examples %v)", s.Format, len(s.Reports), s.Malformed, s.Lines, s.Examples)
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, os.ErrDeadlineExceeded }

func TestScanLogsReadError(t *testing.T) {
	if _, err := ScanLogs(failingReader{}); err == nil {
		t.Fatal("a failing reader is an error")
	}
}
