package reportlog

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
)

// JSON log format event types (lambda-spec.md §4).
const (
	platformTypePrefix = "platform."
	typeReport         = "platform.report"
	typeInitReport     = "platform.initReport"
	typeInitStart      = "platform.initStart"
	typeStart          = "platform.start"
)

// jsonEvent is one JSON log line: a platform event, or a CloudWatch event
// wrapped around a message (filter-log-events events one per line, aws logs
// tail --format none).
type jsonEvent struct {
	Time   json.RawMessage `json:"time"`
	Type   string          `json:"type"`
	Record json.RawMessage `json:"record"`

	Message            *string         `json:"message"`
	LogStreamName      string          `json:"logStreamName"`
	LogGroupName       string          `json:"logGroupName"`
	LogGroupIdentifier string          `json:"logGroupIdentifier"`
	Timestamp          json.RawMessage `json:"timestamp"`
	IngestionTime      json.RawMessage `json:"ingestionTime"`
	EventID            string          `json:"eventId"`
}

// wrapper reports whether the object is a CloudWatch event around a message
// rather than an application's JSON log line (which has a message too).
func (e *jsonEvent) wrapper() bool {
	return e.Message != nil && (e.LogStreamName != "" || e.EventID != "" || len(e.IngestionTime) > 0 ||
		e.LogGroupName != "" || e.LogGroupIdentifier != "")
}

func (sc *scanner) json(ctx lineCtx, text, raw string, depth int) {
	var ev jsonEvent
	if err := json.Unmarshal([]byte(text), &ev); err != nil {
		if looksPlatform(text) {
			sc.malformed(ctx.line, raw, fmt.Errorf("JSON event: %w", err))
		}
		return
	}
	if strings.HasPrefix(ev.Type, platformTypePrefix) {
		if t, ok := jsonTime(ev.Time); ok && (ctx.ts.IsZero() || ctx.tsFallback) {
			ctx.ts, ctx.tsFallback = t, false
		}
		if err := sc.platform(ctx, ev.Type, ev.Record); err != nil {
			sc.malformed(ctx.line, raw, fmt.Errorf("%s: %w", ev.Type, err))
		}
		return
	}
	if !ev.wrapper() || depth >= maxJSONDepth {
		return
	}
	inner := ctx
	inner.events = false
	if ev.LogStreamName != "" {
		inner.stream = ev.LogStreamName
	}
	if g := ev.LogGroupName + ev.LogGroupIdentifier; g != "" {
		inner.group = logGroup(g)
	}
	if t, ok := jsonTime(ev.Timestamp); ok {
		inner.ts, inner.tsFallback = t, false
	}
	sc.message(inner, *ev.Message, raw, depth+1)
}

func looksPlatform(text string) bool {
	return strings.Contains(text, `"type"`) && strings.Contains(text, `"`+platformTypePrefix)
}

// jsonTime reads a timestamp that is an RFC 3339 string or epoch milliseconds.
func jsonTime(raw json.RawMessage) (time.Time, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return parseTimestamp(s)
	}
	var ms float64
	if json.Unmarshal(raw, &ms) == nil && ms > 0 && ms < 1e15 {
		return time.UnixMilli(int64(ms)).UTC(), true
	}
	return time.Time{}, false
}

// platform handles one platform event; other types than these are ignored.
func (sc *scanner) platform(ctx lineCtx, typ string, rec json.RawMessage) error {
	switch typ {
	case typeReport:
		r, err := decodeReport(rec)
		if err != nil {
			return err
		}
		sc.addReport(ctx, r, origin{})
	case typeInitReport:
		r, err := decodeInitReport(rec)
		if err != nil {
			return err
		}
		sc.addInitReport(ctx, r, origin{})
	case typeInitStart:
		var v struct {
			FunctionName    string `json:"functionName"`
			FunctionVersion string `json:"functionVersion"`
		}
		if err := json.Unmarshal(rec, &v); err != nil {
			return err
		}
		sc.remember("", ctx.stream, origin{function: v.FunctionName, version: v.FunctionVersion})
	case typeStart:
		var v struct {
			RequestID   string `json:"requestId"`
			FunctionArn string `json:"functionArn"`
			Version     string `json:"version"`
		}
		if err := json.Unmarshal(rec, &v); err != nil {
			return err
		}
		name, region := functionFromARN(v.FunctionArn)
		sc.remember(v.RequestID, ctx.stream, origin{function: name, version: v.Version, region: region})
	}
	return nil
}

// reportRecord is platform.report's record.
type reportRecord struct {
	RequestID string `json:"requestId"`
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Metrics   struct {
		DurationMS              *float64 `json:"durationMs"`
		BilledDurationMS        *float64 `json:"billedDurationMs"`
		MemorySizeMB            *float64 `json:"memorySizeMB"`
		MaxMemoryUsedMB         *float64 `json:"maxMemoryUsedMB"`
		InitDurationMS          *float64 `json:"initDurationMs"`
		RestoreDurationMS       *float64 `json:"restoreDurationMs"`
		BilledRestoreDurationMS *float64 `json:"billedRestoreDurationMs"`
	} `json:"metrics"`
}

// decodeReport converts a platform.report record to the Report the text
// format would have printed: durations rounded to two decimals, status
// "success" dropped.
func decodeReport(raw json.RawMessage) (Report, error) {
	var rec reportRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return Report{}, err
	}
	if !validRequestID(rec.RequestID) {
		return Report{}, fmt.Errorf("bad requestId %q", rec.RequestID)
	}
	r := Report{RequestID: rec.RequestID}
	m := rec.Metrics
	var err error
	if r.DurationMS, err = needMS("durationMs", m.DurationMS); err != nil {
		return Report{}, err
	}
	if r.BilledMS, err = needWhole("billedDurationMs", m.BilledDurationMS); err != nil {
		return Report{}, err
	}
	n, err := needWhole("memorySizeMB", m.MemorySizeMB)
	if err != nil {
		return Report{}, err
	}
	r.MemorySizeMB = int(n)
	if n, err = needWhole("maxMemoryUsedMB", m.MaxMemoryUsedMB); err != nil {
		return Report{}, err
	}
	r.MaxMemoryUsedMB = int(n)
	if m.InitDurationMS != nil {
		if r.InitDurationMS, err = needMS("initDurationMs", m.InitDurationMS); err != nil {
			return Report{}, err
		}
		r.HasInit = true
	}
	if m.RestoreDurationMS != nil {
		if r.RestoreDurationMS, err = needMS("restoreDurationMs", m.RestoreDurationMS); err != nil {
			return Report{}, err
		}
		r.HasRestore = true
		if m.BilledRestoreDurationMS != nil {
			if r.BilledRestoreMS, err = needWhole("billedRestoreDurationMs", m.BilledRestoreDurationMS); err != nil {
				return Report{}, err
			}
		}
	}
	if r.Status, err = jsonStatus(rec.Status); err != nil {
		return Report{}, err
	}
	if r.Status != "" {
		r.ErrorType = cleanValue(rec.ErrorType)
	}
	return r, nil
}

// decodeInitReport converts a platform.initReport record.
func decodeInitReport(raw json.RawMessage) (InitReport, error) {
	var rec struct {
		Phase     string `json:"phase"`
		Status    string `json:"status"`
		ErrorType string `json:"errorType"`
		Metrics   struct {
			DurationMS *float64 `json:"durationMs"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return InitReport{}, err
	}
	d, err := needMS("metrics.durationMs", rec.Metrics.DurationMS)
	if err != nil {
		return InitReport{}, err
	}
	status, err := jsonStatus(rec.Status)
	if err != nil {
		return InitReport{}, err
	}
	r := InitReport{InitDurationMS: d, Phase: cleanValue(rec.Phase), Status: status}
	if status != "" {
		r.ErrorType = cleanValue(rec.ErrorType)
	}
	return r, nil
}

// jsonStatus maps the JSON format's status to the text format's: success
// prints none; RIE's "failure" is an error.
func jsonStatus(s string) (string, error) {
	switch s {
	case "", "success":
		return "", nil
	case StatusError, "failure":
		return StatusError, nil
	case StatusTimeout:
		return StatusTimeout, nil
	}
	return "", fmt.Errorf("unknown status %q", s)
}

func needMS(name string, v *float64) (float64, error) {
	if v == nil {
		return 0, fmt.Errorf("no %s", name)
	}
	return roundMS(*v, name)
}

// roundMS rounds a duration to the two decimals the text format prints.
func roundMS(v float64, name string) (float64, error) {
	if math.IsNaN(v) || v < 0 || v > maxMS {
		return 0, fmt.Errorf("%s %v is not a duration", name, v)
	}
	return math.Round(v*100) / 100, nil
}

func needWhole(name string, v *float64) (int64, error) {
	if v == nil {
		return 0, fmt.Errorf("no %s", name)
	}
	if math.IsNaN(*v) || *v < 0 || *v > maxWhole || *v != math.Trunc(*v) {
		return 0, fmt.Errorf("%s %v is not a whole number", name, *v)
	}
	return int64(*v), nil
}

// validRequestID accepts what the text format can carry: no blanks.
func validRequestID(s string) bool {
	return s != "" && !strings.ContainsFunc(s, unicode.IsSpace)
}

// cleanValue makes a string safe as a text field value: no tabs or line
// breaks, no surrounding blanks.
func cleanValue(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
