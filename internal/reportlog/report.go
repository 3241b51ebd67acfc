package reportlog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Report is one REPORT line. Durations are in milliseconds as printed.
type Report struct {
	RequestID       string
	DurationMS      float64
	BilledMS        int64
	MemorySizeMB    int
	MaxMemoryUsedMB int
	// InitDurationMS is present only on the invoke that ran an on-demand init.
	InitDurationMS float64
	HasInit        bool
	// RestoreDurationMS and BilledRestoreMS are present on SnapStart restores.
	RestoreDurationMS float64
	BilledRestoreMS   int64
	HasRestore        bool
	// Status is "" on success, else StatusTimeout or StatusError.
	Status    string
	ErrorType string
	// Extra holds fields Lambda's format does not define (e.g. coldstart's
	// "CPU Share"), in order, so they survive a parse/format round trip.
	Extra []Field
}

// Field is one "Key: Value" pair of a platform line.
type Field struct{ Key, Value string }

// FieldCPUShare is coldstart's own REPORT field: the CPU share the local
// sandbox enforced for the environment (memory/1769 vCPU, scaled, capped).
const FieldCPUShare = "CPU Share"

// REPORT field names.
const (
	fieldRequestID       = "RequestId"
	fieldDuration        = "Duration"
	fieldBilled          = "Billed Duration"
	fieldMemorySize      = "Memory Size"
	fieldMaxMemory       = "Max Memory Used"
	fieldInitDuration    = "Init Duration"
	fieldRestoreDuration = "Restore Duration"
	fieldBilledRestore   = "Billed Restore Duration"
	fieldStatus          = "Status"
	fieldErrorType       = "Error Type"
	fieldPhase           = "Phase"
)

// String formats the line without its trailing newline. Success lines end with
// a tab, as Lambda's do; lines with a Status do not (lambda-spec.md §4).
func (r Report) String() string {
	var b strings.Builder
	b.Grow(200)
	b.WriteString(PrefixReport)
	b.WriteString(fieldRequestID + ": " + r.RequestID)
	b.WriteString("\t" + fieldDuration + ": " + formatMS(r.DurationMS))
	b.WriteString("\t" + fieldBilled + ": " + strconv.FormatInt(r.BilledMS, 10) + " ms")
	b.WriteString("\t" + fieldMemorySize + ": " + strconv.Itoa(r.MemorySizeMB) + " MB")
	b.WriteString("\t" + fieldMaxMemory + ": " + strconv.Itoa(r.MaxMemoryUsedMB) + " MB")
	if r.HasInit {
		b.WriteString("\t" + fieldInitDuration + ": " + formatMS(r.InitDurationMS))
	}
	if r.HasRestore {
		b.WriteString("\t" + fieldRestoreDuration + ": " + formatMS(r.RestoreDurationMS))
		b.WriteString("\t" + fieldBilledRestore + ": " + strconv.FormatInt(r.BilledRestoreMS, 10) + " ms")
	}
	for _, f := range r.Extra {
		b.WriteString("\t" + f.Key + ": " + f.Value)
	}
	if r.Status == "" {
		b.WriteString("\t")
		return b.String()
	}
	b.WriteString("\t" + fieldStatus + ": " + r.Status)
	if r.ErrorType != "" {
		b.WriteString("\t" + fieldErrorType + ": " + r.ErrorType)
	}
	return b.String()
}

// ErrNotReport is returned by ParseReport for a line that is not a REPORT line.
var ErrNotReport = errors.New("not a REPORT line")

// ParseReport parses a REPORT line. It accepts the line with or without its
// trailing tab or newline, tabs or runs of spaces between fields (CloudWatch
// exports and consoles often turn tabs into spaces), and a leading CloudWatch
// timestamp or log-stream prefix before "REPORT ".
func ParseReport(line string) (Report, error) {
	i := strings.Index(line, PrefixReport+fieldRequestID+":")
	if i < 0 {
		return Report{}, ErrNotReport
	}
	fields, err := splitFields(line[i+len(PrefixReport):])
	if err != nil {
		return Report{}, fmt.Errorf("parse REPORT: %w", err)
	}
	var r Report
	seen := map[string]bool{}
	for _, f := range fields {
		if seen[f.Key] {
			return Report{}, fmt.Errorf("parse REPORT: field %q repeated", f.Key)
		}
		seen[f.Key] = true
		if err := r.set(f); err != nil {
			return Report{}, fmt.Errorf("parse REPORT: %s: %w", f.Key, err)
		}
	}
	for _, k := range []string{fieldRequestID, fieldDuration, fieldBilled, fieldMemorySize, fieldMaxMemory} {
		if !seen[k] {
			return Report{}, fmt.Errorf("parse REPORT: missing %q", k)
		}
	}
	if r.HasRestore != seen[fieldBilledRestore] {
		return Report{}, errors.New("parse REPORT: Restore Duration and Billed Restore Duration must come together")
	}
	if r.ErrorType != "" && r.Status == "" {
		return Report{}, errors.New("parse REPORT: Error Type without Status")
	}
	return r, nil
}

func (r *Report) set(f Field) error {
	var err error
	var n int64
	switch f.Key {
	case fieldRequestID:
		if f.Value == "" || strings.ContainsAny(f.Value, " \t") {
			return fmt.Errorf("bad request id %q", f.Value)
		}
		r.RequestID = f.Value
	case fieldDuration:
		r.DurationMS, err = parseMS(f.Value)
	case fieldBilled:
		r.BilledMS, err = parseInt(f.Value, " ms")
	case fieldMemorySize:
		n, err = parseInt(f.Value, " MB")
		r.MemorySizeMB = int(n)
	case fieldMaxMemory:
		n, err = parseInt(f.Value, " MB")
		r.MaxMemoryUsedMB = int(n)
	case fieldInitDuration:
		r.InitDurationMS, err = parseMS(f.Value)
		r.HasInit = true
	case fieldRestoreDuration:
		r.RestoreDurationMS, err = parseMS(f.Value)
		r.HasRestore = true
	case fieldBilledRestore:
		r.BilledRestoreMS, err = parseInt(f.Value, " ms")
	case fieldStatus:
		if f.Value != StatusTimeout && f.Value != StatusError {
			return fmt.Errorf("unknown status %q", f.Value)
		}
		r.Status = f.Value
	case fieldErrorType:
		r.ErrorType = f.Value
	default:
		r.Extra = append(r.Extra, f)
	}
	return err
}

// knownKeys lists multi-word field names so space-separated lines can be split.
var knownKeys = []string{
	fieldRequestID, fieldDuration, fieldBilled, fieldMemorySize, fieldMaxMemory,
	fieldInitDuration, fieldRestoreDuration, fieldBilledRestore, fieldStatus, fieldErrorType, fieldPhase,
	"XRAY TraceId", "SegmentId", "Sampled", FieldCPUShare,
}

// splitFields splits "K: V\tK: V…" into fields. Values never contain tabs; when
// a line's tabs became spaces, a field starts where a known key follows a space.
func splitFields(s string) ([]Field, error) {
	s = strings.TrimRight(s, "\r\n\t ")
	var parts []string
	if strings.Contains(s, "\t") {
		parts = strings.Split(s, "\t")
	} else {
		parts = splitOnKnownKeys(s)
	}
	fields := make([]Field, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k, v, ok := strings.Cut(p, ": ")
		if !ok {
			return nil, fmt.Errorf("field %q has no \": \"", p)
		}
		fields = append(fields, Field{Key: k, Value: strings.TrimSpace(v)})
	}
	return fields, nil
}

func splitOnKnownKeys(s string) []string {
	var parts []string
	start := 0
	i := keyLen(s) + 1
	for i < len(s) {
		if s[i-1] == ' ' {
			if n := keyLen(s[i:]); n > 0 {
				parts = append(parts, s[start:i])
				start = i
				i += n // never match a shorter key inside this one ("Duration" in "Billed Duration")
				continue
			}
		}
		i++
	}
	return append(parts, s[start:])
}

// keyLen returns the length of the longest known key (with its ": ") that s starts with, or 0.
func keyLen(s string) int {
	best := 0
	for _, k := range knownKeys {
		if len(k)+2 > best && strings.HasPrefix(s, k+": ") {
			best = len(k) + 2
		}
	}
	return best
}
