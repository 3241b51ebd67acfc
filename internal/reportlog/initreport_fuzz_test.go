package reportlog

import "testing"

func FuzzParseInitReport(f *testing.F) {
	for _, s := range []string{
		"INIT_REPORT Init Duration: 3001.23 ms\tPhase: init\tStatus: timeout",
		"INIT_REPORT Init Duration: 1.00 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ExitError",
		"2025-09-14T10:15:01.834Z INIT_REPORT Init Duration: 12 ms Phase: init Status: error Error Type: X",
		"INIT_REPORT Init Duration: -1.5e3 ms",
		"INIT_REPORT Init Duration:",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, err := ParseInitReport(line)
		if err != nil {
			return
		}
		// Whatever parses must format to a line that parses to the same record.
		again, err := ParseInitReport(r.String())
		if err != nil {
			t.Fatalf("%q parses to %+v, which formats to %q, which does not parse: %v", line, r, r.String(), err)
		}
		if again.Phase != r.Phase || again.Status != r.Status || again.ErrorType != r.ErrorType ||
			formatMS(again.InitDurationMS) != formatMS(r.InitDurationMS) {
			t.Fatalf("round trip changed the record:\n%+v\n%+v", r, again)
		}
	})
}
