package reportlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkScan holds for every scan: each record formats to a line that parses
// back to it, and the counts agree with themselves.
func checkScan(t *testing.T, s *LogScan) {
	t.Helper()
	if s.Malformed < len(s.Examples) || len(s.Examples) > MaxExamples || s.Lines < 0 || s.Skipped < 0 {
		t.Fatalf("counts: %d malformed, %d examples, %d lines, %d skipped", s.Malformed, len(s.Examples), s.Lines, s.Skipped)
	}
	for _, rec := range s.Reports {
		r := rec.Report
		if rec.RequestID != r.RequestID {
			t.Fatalf("record id %q, report id %q", rec.RequestID, r.RequestID)
		}
		line := r.String()
		again, err := ParseReport(line)
		if err != nil {
			t.Fatalf("record %+v formats to %q, which does not parse: %v", rec, line, err)
		}
		if again.RequestID != r.RequestID || again.BilledMS != r.BilledMS || again.MemorySizeMB != r.MemorySizeMB ||
			again.MaxMemoryUsedMB != r.MaxMemoryUsedMB || again.HasInit != r.HasInit || again.Status != r.Status ||
			formatMS(again.DurationMS) != formatMS(r.DurationMS) || formatMS(again.InitDurationMS) != formatMS(r.InitDurationMS) {
			t.Fatalf("round trip changed the record:\n%+v\n%+v", r, again)
		}
	}
	for _, rec := range s.InitReports {
		if _, err := ParseInitReport(rec.Report.String()); err != nil {
			t.Fatalf("init record %+v formats to %q, which does not parse: %v", rec, rec.Report.String(), err)
		}
	}
}

func addTestdata(f *testing.F, names ...string) {
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
}

func FuzzScanLogs(f *testing.F) {
	addTestdata(f, "text.log", "json.log", "tail.txt", "events.txt", "events.json")
	for _, s := range []string{
		obsSuccess, obsTimeout, obsOOM, obsRestore, lineWarm,
		"2025-09-14T10:15:01.834000+00:00 " + stream + " " + lineWarm,
		"EVENTS\t1\t1757844901300\t" + stream + "\t" + lineWarm + "\n\t1757844901501\n",
		`{"time":"2025-09-14T10:15:01.834Z","type":"platform.report","record":{"requestId":"r1","metrics":{"durationMs":1.006,"billedDurationMs":2,"memorySizeMB":128,"maxMemoryUsedMB":20,"initDurationMs":3,"restoreDurationMs":4},"status":"error","errorType":"E"}}`,
		`{"time":"x","type":"platform.initReport","record":{"phase":"init","status":"error","errorType":"E","metrics":{"durationMs":1}}}`,
		"x\n{\n    \"type\": \"platform.report\"\n}\n",
		`{"results":[[{"field":"@duration","value":"1"}]]}`,
		`[{"message":"REPORT RequestId: a Duration: 1.00 ms Billed Duration: 1 ms Memory Size: 1 MB Max Memory Used: 1 MB"}]`,
		"INIT_REPORT Init Duration: 1.00 ms\tPhase: init\tStatus: error\tError Type: X",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ScanLogs(strings.NewReader(in))
		if err != nil {
			t.Fatalf("a string reader cannot fail: %v", err)
		}
		checkScan(t, s)
	})
}

func FuzzParseInsightsCSV(f *testing.F) {
	addTestdata(f, "insights.csv")
	for _, s := range []string{
		"@timestamp,@requestId,@duration,@billedDuration,@initDuration,@maxMemoryUsed,@memorySize\n2025-09-14 10:15:01.834,a,1010.14,1011,918.52,115000000,128000000\n",
		"requestId,duration,billedDuration,maxMemoryUsed,memorySize,status,errorType\na,1,1,70,128,error,X\n",
		"@type,@message,@duration\nREPORT,\"" + lineWarm + "\",1\nINIT_REPORT,INIT_REPORT Init Duration: 1.00 ms,\n",
		"@duration\n1e308\n",
		"\"@duration\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseInsightsCSV(strings.NewReader(in))
		if err != nil {
			return // no usable header
		}
		checkScan(t, s)
	})
}
