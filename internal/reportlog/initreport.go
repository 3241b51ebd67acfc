package reportlog

import (
	"fmt"
	"strings"
)

// InitReport is an INIT_REPORT line: Lambda prints one when an init fails or
// times out (phase init), and again when the init re-run inside the following
// invoke fails too (phase invoke). A successful on-demand init prints none.
type InitReport struct {
	InitDurationMS float64
	Phase          string // PhaseInit or PhaseInvoke; "" in the bare success form
	Status         string // StatusError or StatusTimeout; "" in the bare success form
	ErrorType      string
}

// String formats the line without its trailing newline.
func (r InitReport) String() string {
	s := PrefixInitReport + fieldInitDuration + ": " + formatMS(r.InitDurationMS)
	if r.Phase != "" {
		s += "\t" + fieldPhase + ": " + r.Phase
	}
	if r.Status != "" {
		s += "\t" + fieldStatus + ": " + r.Status
	}
	if r.ErrorType != "" {
		s += "\t" + fieldErrorType + ": " + r.ErrorType
	}
	return s
}

// ParseInitReport parses an INIT_REPORT line (see ParseReport for the
// tolerated variations).
func ParseInitReport(line string) (InitReport, error) {
	i := strings.Index(line, PrefixInitReport+fieldInitDuration+":")
	if i < 0 {
		return InitReport{}, fmt.Errorf("not an INIT_REPORT line")
	}
	fields, err := splitFields(line[i+len(PrefixInitReport):])
	if err != nil {
		return InitReport{}, fmt.Errorf("parse INIT_REPORT: %w", err)
	}
	var r InitReport
	for _, f := range fields {
		switch f.Key {
		case fieldInitDuration:
			r.InitDurationMS, err = parseMS(f.Value)
		case fieldPhase:
			r.Phase = f.Value
		case fieldStatus:
			r.Status = f.Value
		case fieldErrorType:
			r.ErrorType = f.Value
		}
		if err != nil {
			return InitReport{}, fmt.Errorf("parse INIT_REPORT: %s: %w", f.Key, err)
		}
	}
	return r, nil
}
