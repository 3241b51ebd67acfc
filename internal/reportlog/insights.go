package reportlog

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

const utf8BOM = "\ufeff"

// column is a Logs Insights field coldstart reads.
type column int

const (
	colTimestamp column = iota
	colStream
	colLog
	colRequestID
	colType
	colDuration
	colBilled
	colInit
	colMemory
	colMaxMemory
	colMessage
	colStatus
	colErrorType
	numColumns
)

// columnLabels name the columns in messages, as Logs Insights calls them.
var columnLabels = [numColumns]string{"@timestamp", "@logStream", "@log", "@requestId", "@type", "@duration",
	"@billedDuration", "@initDuration", "@memorySize", "@maxMemoryUsed", "@message", "status", "errorType"}

// columnNames maps normalised header names (see normalizeColumn) to
// columns: Logs Insights' fields, the same without "@" as hand-edited
// exports and scripts name them, and MB/ms-suffixed aliases.
var columnNames = map[string]column{
	"timestamp": colTimestamp, "time": colTimestamp,
	"logstream": colStream, "logstreamname": colStream, "stream": colStream,
	"log": colLog, "loggroup": colLog, "loggroupname": colLog,
	"requestid": colRequestID,
	"type":      colType,
	"duration":  colDuration, "durationms": colDuration,
	"billedduration": colBilled, "billeddurationms": colBilled, "billedms": colBilled,
	"initduration": colInit, "initdurationms": colInit, "initms": colInit,
	"memorysize": colMemory, "memorysizemb": colMemory, "memorymb": colMemory,
	"maxmemoryused": colMaxMemory, "maxmemoryusedmb": colMaxMemory, "maxmemorymb": colMaxMemory,
	"message": colMessage,
	"status":  colStatus, "reportstatus": colStatus,
	"errortype": colErrorType,
}

// normalizeColumn lower-cases a header name and drops "@", blanks, "_", "-"
// and ".", so "@initDuration", "initDuration" and "Init Duration" agree.
func normalizeColumn(name string) string {
	name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
	return strings.Map(func(r rune) rune {
		switch r {
		case '@', '_', '-', '.', ' ', '\t':
			return -1
		}
		return r
	}, name)
}

func classifyColumn(name string) (column, bool) {
	c, ok := columnNames[normalizeColumn(name)]
	return c, ok
}

// IsInsightsHeader reports whether a file's first line is the header of a
// Logs Insights export: it names a duration or request id column, or a
// message column beside a timestamp or stream.
func IsInsightsHeader(line string) bool {
	cr := csv.NewReader(strings.NewReader(line))
	cr.LazyQuotes = true
	names, err := cr.Read()
	if err != nil || len(names) < 2 {
		return false
	}
	var has [numColumns]bool
	for _, n := range names {
		if c, ok := classifyColumn(n); ok {
			has[c] = true
		}
	}
	return has[colDuration] || has[colRequestID] || (has[colMessage] && (has[colTimestamp] || has[colStream] || has[colLog]))
}

// ParseInsightsCSV reads a Logs Insights export (CSV with a header). Rows
// with @duration are REPORT rows; its units are Logs Insights': durations
// in milliseconds, @memorySize and @maxMemoryUsed in bytes, where Logs
// Insights counts a MB as 1,000,000 bytes (128 MB is 128000000); multiples
// of 1,048,576 are read as MiB, and values below 1,000,000 as MB already
// (hand-made exports). Rows of another @type, or without @duration, are
// skipped; with a @message column, REPORT and INIT_REPORT messages are read
// from it (which also gives Status and Error Type). Rows whose numbers do
// not parse are malformed, never fatal. The error is for a missing header
// or an I/O error.
func ParseInsightsCSV(r io.Reader) (*LogScan, error) {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(len(utf8BOM)); string(b) == utf8BOM {
		br.Discard(len(utf8BOM)) // Excel and some consoles write one
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty CSV: no header")
	}
	if err != nil {
		return nil, fmt.Errorf("CSV header: %w", err)
	}
	idx := [numColumns]int{}
	for c := range idx {
		idx[c] = -1
	}
	var has [numColumns]bool
	for i, name := range header {
		if c, ok := classifyColumn(name); ok && idx[c] < 0 {
			idx[c], has[c] = i, true
		}
	}
	if !has[colDuration] && !has[colMessage] {
		return nil, fmt.Errorf("no @duration or @message column in the CSV header (%s)", summarizeHeader(header))
	}
	sc := newScanner(FormatInsightsCSV)
	ir := newInsightsReader(sc)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			sc.out.Lines++
			sc.malformed(pe.Line, "", err)
			continue
		}
		if err != nil {
			return sc.out, err
		}
		sc.out.Lines++
		line, _ := cr.FieldPos(0)
		var v [numColumns]string
		for c, i := range idx {
			if i >= 0 && i < len(rec) {
				v[c] = strings.TrimSpace(rec[i])
			}
		}
		ir.row(line, &v, &has, func() string { return strings.Join(rec, ",") })
	}
	ir.finish()
	return sc.out, nil
}

func summarizeHeader(header []string) string {
	const most = 12
	if len(header) > most {
		return strings.Join(header[:most], ", ") + ", …"
	}
	return strings.Join(header, ", ")
}

// insightsReader turns Logs Insights rows (CSV or get-query-results JSON)
// into records.
type insightsReader struct {
	sc *scanner
	// lacked marks REPORT columns some REPORT row did not have.
	lacked [numColumns]bool
}

func newInsightsReader(sc *scanner) *insightsReader { return &insightsReader{sc: sc} }

// jsonRow handles one row of get-query-results output.
func (ir *insightsReader) jsonRow(line int, fields []struct{ Field, Value string }) {
	var v [numColumns]string
	var has [numColumns]bool
	for _, f := range fields {
		if c, ok := classifyColumn(f.Field); ok && !has[c] {
			v[c], has[c] = strings.TrimSpace(f.Value), true
		}
	}
	ir.row(line, &v, &has, func() string {
		parts := make([]string, 0, len(fields))
		for _, f := range fields {
			parts = append(parts, f.Field+"="+f.Value)
		}
		return strings.Join(parts, " ")
	})
}

// row handles one row; text renders it for a malformed example.
func (ir *insightsReader) row(line int, v *[numColumns]string, has *[numColumns]bool, text func() string) {
	sc := ir.sc
	ctx := lineCtx{line: line, stream: v[colStream], group: logGroup(v[colLog])}
	ctx.ts, _ = parseTimestamp(v[colTimestamp])
	before := len(sc.out.Reports) + len(sc.out.InitReports) + sc.out.Malformed
	msg := v[colMessage]
	switch {
	case v[colType] != "" && !strings.EqualFold(v[colType], "REPORT") && msg != "":
		sc.message(ctx, msg, msg, noDepth) // INIT_REPORT, START, platform events
	case v[colType] != "" && !strings.EqualFold(v[colType], "REPORT"):
	case strings.Contains(msg, PrefixReport+fieldRequestID+":") || looksPlatform(msg):
		sc.message(ctx, msg, msg, noDepth)
	case v[colDuration] != "":
		r, err := ir.report(line, v, has)
		if err != nil {
			sc.malformed(line, text(), err)
		} else {
			sc.addReport(ctx, r, origin{})
		}
	case msg != "":
		sc.message(ctx, msg, msg, noDepth)
	}
	if len(sc.out.Reports)+len(sc.out.InitReports)+sc.out.Malformed == before {
		sc.out.Skipped++
	}
}

// report builds a Report from a row's fields.
func (ir *insightsReader) report(line int, v *[numColumns]string, has *[numColumns]bool) (Report, error) {
	for _, c := range []column{colRequestID, colBilled, colMemory, colMaxMemory} {
		if !has[c] {
			ir.lacked[c] = true
		}
	}
	id := v[colRequestID]
	if id == "" {
		id = "row-" + strconv.Itoa(line) // the export has no request ids
	}
	if !validRequestID(id) {
		return Report{}, fmt.Errorf("bad %s %q", columnLabels[colRequestID], id)
	}
	r := Report{RequestID: id}
	var err error
	if r.DurationMS, err = fieldMS(v, colDuration); err != nil {
		return Report{}, err
	}
	if has[colBilled] {
		if r.BilledMS, err = parseBilled(v[colBilled]); err != nil {
			return Report{}, err
		}
	}
	if v[colInit] != "" {
		if r.InitDurationMS, err = fieldMS(v, colInit); err != nil {
			return Report{}, err
		}
		r.HasInit = true
	}
	for _, m := range []struct {
		c   column
		dst *int
	}{{colMemory, &r.MemorySizeMB}, {colMaxMemory, &r.MaxMemoryUsedMB}} {
		if !has[m.c] {
			continue
		}
		if *m.dst, err = memoryMB(v[m.c]); err != nil {
			return Report{}, fmt.Errorf("%s: %w", columnLabels[m.c], err)
		}
	}
	if s := strings.ToLower(v[colStatus]); s != "" {
		if r.Status, err = jsonStatus(s); err != nil {
			return Report{}, err
		}
		if r.Status != "" {
			r.ErrorType = cleanValue(v[colErrorType])
		}
	}
	return r, nil
}

func (ir *insightsReader) finish() {
	for _, c := range []column{colRequestID, colBilled, colMemory, colMaxMemory} {
		if ir.lacked[c] {
			ir.sc.out.Missing = append(ir.sc.out.Missing, columnLabels[c])
		}
	}
}

func fieldMS(v *[numColumns]string, c column) (float64, error) {
	f, err := strconv.ParseFloat(v[c], 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a number", columnLabels[c], v[c])
	}
	return roundMS(f, columnLabels[c])
}

// parseBilled reads Billed Duration, rounding up as billing does.
func parseBilled(s string) (int64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxWhole {
		return 0, fmt.Errorf("%s %q is not a number of ms", columnLabels[colBilled], s)
	}
	return int64(math.Ceil(f)), nil
}

// Byte counts Logs Insights uses for a megabyte.
const (
	insightsMB = 1_000_000 // Logs Insights: "128 MB" is 128000000
	mebibyte   = 1 << 20
)

// memoryMB converts a Logs Insights memory value to the whole MB a REPORT
// line prints. Logs Insights reports @memorySize and @maxMemoryUsed in
// bytes counting 1,000,000 per MB, so those divide exactly; exact multiples
// of 1,048,576 are MiB; other byte counts round up to a whole MiB as Lambda
// rounds Max Memory Used; values below 1,000,000 are already MB.
func memoryMB(s string) (int, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1e15 {
		return 0, fmt.Errorf("%q is not a memory size", s)
	}
	switch {
	case f < insightsMB:
		return int(math.Ceil(f)), nil
	case math.Mod(f, insightsMB) == 0:
		return int(f / insightsMB), nil
	case math.Mod(f, mebibyte) == 0:
		return int(f / mebibyte), nil
	}
	return int(math.Ceil(f / mebibyte)), nil
}
