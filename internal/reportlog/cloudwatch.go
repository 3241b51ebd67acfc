package reportlog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Formats a LogScan can come from.
const (
	FormatLogText      = "log text"           // aws logs tail, filter-log-events --output text, exports, bare messages
	FormatEventsJSON   = "log events JSON"    // aws logs filter-log-events / get-log-events default output
	FormatInsightsCSV  = "Logs Insights CSV"  // a Logs Insights export
	FormatInsightsJSON = "Logs Insights JSON" // aws logs get-query-results
)

const (
	maxExampleText = 160     // bytes of a malformed line kept as an example
	maxLineBytes   = 4 << 20 // longer lines are cut (CloudWatch events are at most 1 MB)
	maxBlockLines  = 10000   // a pretty-printed JSON event longer than this is abandoned
	maxJSONDepth   = 2       // a wrapper event inside a wrapper event at most
	maxMS          = 1e12    // larger durations (31 years) are garbage, not data
	maxWhole       = 1 << 53 // larger integers do not survive a float64
	noDepth        = 0
)

// MaxExamples is how many malformed lines a LogScan keeps as examples.
const MaxExamples = 5

// LogScan is what a scan of CloudWatch logs found. Nothing is dropped
// silently: lines that look like platform lines but do not parse are counted
// in Malformed, with the first few kept as Examples.
type LogScan struct {
	Format      string
	Lines       int // lines (log text), events (JSON documents) or data rows (CSV) read
	Reports     []Record
	InitReports []InitRecord
	// Skipped counts Insights rows that are not REPORT rows (another @type,
	// or no @duration).
	Skipped   int
	Malformed int
	Examples  []Malformed
	// Missing names the columns an Insights export lacks that a REPORT
	// needs (the values are then 0).
	Missing []string
}

// Record is one REPORT line found in the logs, with what the log tool said
// about where it came from. Unknown fields are empty.
type Record struct {
	Line      int // line (log text), event (JSON document) or CSV line number
	RequestID string
	Stream    string // log stream name, e.g. 2024/01/02/[$LATEST]0123abcd…
	LogGroup  string // e.g. /aws/lambda/my-fn
	Function  string // from the log group or the JSON log format's records
	Version   string // executed version: from the stream name or the START line
	Region    string // from a functionArn
	Timestamp time.Time
	Report    Report
}

// InitRecord is one INIT_REPORT line (a failed init, or the success form
// SnapStart and provisioned concurrency print).
type InitRecord struct {
	Line      int
	Stream    string
	LogGroup  string
	Function  string
	Timestamp time.Time
	Report    InitReport
}

// Malformed is a line that looked like a platform line but did not parse.
type Malformed struct {
	Line int
	Text string // the line, cut to a readable length
	Err  string
}

func (m Malformed) String() string { return fmt.Sprintf("line %d: %s: %q", m.Line, m.Err, m.Text) }

// ScanLogs reads CloudWatch log text as users have it and returns the REPORT
// and INIT_REPORT lines in it. Accepted: `aws logs tail` output (timestamp,
// log stream, message; colours too), `aws logs filter-log-events --output
// text` (EVENTS rows), its default JSON output and get-log-events', exports
// with a leading timestamp, bare messages, and `aws logs get-query-results`
// JSON. Messages are REPORT/INIT_REPORT/START/END text lines (tabs or spaces)
// or JSON log format platform events (one per line, or pretty-printed by
// `aws logs tail --format json`). Everything else, function output above
// all, is ignored. The error is an I/O error only.
func ScanLogs(r io.Reader) (*LogScan, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if doc := peekDocument(br); doc != "" {
		return scanDocument(br, doc)
	}
	sc := newScanner(FormatLogText)
	for {
		line, err := readLine(br)
		if len(line) > 0 || err == nil {
			sc.line(line)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sc.out, err
		}
	}
	sc.endBlock()
	return sc.out, nil
}

// readLine reads one line without its line ending; a longer line than
// maxLineBytes is cut there (the rest is discarded).
func readLine(br *bufio.Reader) (string, error) {
	chunk, err := br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return trimEOL(string(chunk)), err // the common case: one copy
	}
	b := append([]byte(nil), chunk...)
	for errors.Is(err, bufio.ErrBufferFull) {
		chunk, err = br.ReadSlice('\n')
		if room := maxLineBytes - len(b); room > 0 {
			b = append(b, chunk[:min(len(chunk), room)]...)
		}
	}
	return trimEOL(string(b)), err
}

func trimEOL(s string) string {
	return strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
}

// scanner turns lines or messages into records. Log text, event documents
// and Insights exports with a @message column share it.
type scanner struct {
	out *LogScan
	// What platform.start events and START lines said about a request,
	// until its REPORT comes.
	byRequest map[string]origin
	// What platform.initStart/start events said about a log stream.
	byStream map[string]origin
	// pending is the index of an EVENTS row's record whose timestamp the
	// next line carries (the message ended in a newline).
	pending int
	// block collects a JSON event that `aws logs tail --format json`
	// pretty-printed over several lines.
	block      []string
	blockCtx   lineCtx
	blockStart int
	lastCtx    lineCtx // the previous line's prefix when its message was empty
	lastEmpty  bool
}

// origin is what the logs said about where a request ran.
type origin struct{ function, version, region string }

func newScanner(format string) *scanner {
	return &scanner{
		out:       &LogScan{Format: format},
		byRequest: map[string]origin{},
		byStream:  map[string]origin{},
		pending:   -1,
	}
}

// line handles one line of log text.
func (sc *scanner) line(raw string) {
	sc.out.Lines++
	n := sc.out.Lines
	if strings.IndexByte(raw, 0x1b) >= 0 {
		raw = stripANSI(raw)
	}
	if sc.block != nil {
		if sc.blockLine(raw) {
			return
		}
	}
	if p := sc.pending; p >= 0 {
		sc.pending = -1
		// The event's timestamp, alone on the line after the message's newline.
		if strings.HasPrefix(raw, "\t") {
			if ts, ok := parseMillis(strings.TrimSpace(raw)); ok {
				sc.out.Reports[p].Timestamp = ts
				return
			}
		}
	}
	if raw == "{" {
		sc.block, sc.blockStart = []string{raw}, n
		sc.blockCtx = lineCtx{}
		if sc.lastEmpty {
			sc.blockCtx = sc.lastCtx
		}
		sc.lastEmpty = false
		return
	}
	ctx, msg := splitPrefix(raw)
	ctx.line = n
	sc.lastCtx, sc.lastEmpty = ctx, strings.TrimSpace(msg) == "" && ctx.known()
	sc.message(ctx, msg, raw, noDepth)
}

// blockLine adds a line to a pretty-printed JSON event and reports whether
// it belonged there; a line that cannot (it is not indented) ends the block
// unfinished, and is then handled on its own.
func (sc *scanner) blockLine(raw string) bool {
	switch {
	case raw == "}":
		sc.block = append(sc.block, raw)
		text := strings.Join(sc.block, "\n")
		sc.block = nil
		ctx := sc.blockCtx
		ctx.line = sc.blockStart
		sc.json(ctx, text, text, noDepth)
		return true
	case (strings.HasPrefix(raw, " ") || strings.HasPrefix(raw, "\t")) && len(sc.block) < maxBlockLines:
		sc.block = append(sc.block, raw)
		return true
	}
	sc.endBlock()
	return false
}

// endBlock gives up on an unfinished JSON block: if it was a platform
// event, that is a malformed line.
func (sc *scanner) endBlock() {
	if sc.block == nil {
		return
	}
	text := strings.Join(sc.block, "\n")
	sc.block = nil
	if strings.Contains(text, `"`+platformTypePrefix) {
		sc.malformed(sc.blockStart, text, errors.New("JSON event ends early"))
	}
}

// message handles one log message; raw is the whole line, for examples.
func (sc *scanner) message(ctx lineCtx, msg, raw string, depth int) {
	msg = strings.TrimRight(msg, "\r\n")
	switch {
	case strings.HasPrefix(msg, PrefixReport+fieldRequestID):
		// Function output may start with "REPORT " too; a platform line
		// goes on with RequestId.
		sc.report(ctx, msg, raw)
	case strings.HasPrefix(msg, PrefixInitReport):
		sc.initReport(ctx, msg, raw)
	case strings.HasPrefix(msg, PrefixStart+fieldRequestID+":"):
		sc.start(ctx, msg)
	case strings.HasPrefix(msg, "{"):
		sc.json(ctx, msg, raw, depth)
	case strings.Contains(msg, PrefixReport+fieldRequestID+":"):
		// A prefix we do not know (grep -n, a bracketed stream): ParseReport
		// finds the REPORT inside the line.
		sc.report(ctx, msg, raw)
	case strings.Contains(msg, PrefixInitReport+fieldInitDuration+":"):
		sc.initReport(ctx, msg, raw)
	case strings.Contains(msg, `"`+platformTypePrefix):
		if i := strings.IndexByte(msg, '{'); i >= 0 {
			sc.json(ctx, msg[i:], raw, depth)
		}
	}
}

func (sc *scanner) report(ctx lineCtx, msg, raw string) {
	if ctx.events {
		// filter-log-events --output text puts the event's timestamp after
		// the message, separated by a tab.
		if i := strings.LastIndexByte(msg, '\t'); i >= 0 {
			if ts, ok := parseMillis(strings.TrimSpace(msg[i+1:])); ok {
				msg, ctx.ts = msg[:i], ts
				ctx.tsFallback = false
			}
		}
	}
	r, err := ParseReport(msg)
	if err != nil {
		sc.malformed(ctx.line, raw, err)
		return
	}
	sc.addReport(ctx, r, origin{})
	if ctx.events && ctx.tsFallback {
		sc.pending = len(sc.out.Reports) - 1
	}
}

// addReport records a REPORT; o is what the line itself said of its origin.
func (sc *scanner) addReport(ctx lineCtx, r Report, o origin) {
	known, ok := sc.byRequest[r.RequestID]
	if ok {
		delete(sc.byRequest, r.RequestID)
	}
	o = o.or(ctx.origin()).or(known).or(sc.byStream[ctx.stream])
	sc.out.Reports = append(sc.out.Reports, Record{
		Line: ctx.line, RequestID: r.RequestID, Stream: ctx.stream, LogGroup: ctx.group,
		Function: o.function, Version: o.version, Region: o.region, Timestamp: ctx.ts, Report: r,
	})
}

func (sc *scanner) initReport(ctx lineCtx, msg, raw string) {
	r, err := ParseInitReport(msg)
	if err != nil {
		sc.malformed(ctx.line, raw, err)
		return
	}
	sc.addInitReport(ctx, r, origin{})
}

func (sc *scanner) addInitReport(ctx lineCtx, r InitReport, o origin) {
	o = o.or(ctx.origin()).or(sc.byStream[ctx.stream])
	sc.out.InitReports = append(sc.out.InitReports, InitRecord{
		Line: ctx.line, Stream: ctx.stream, LogGroup: ctx.group, Function: o.function, Timestamp: ctx.ts, Report: r,
	})
}

// start remembers the executed version a START line names.
func (sc *scanner) start(ctx lineCtx, msg string) {
	fields := strings.Fields(strings.TrimPrefix(msg, PrefixStart))
	var id, version string
	for i := 0; i+1 < len(fields); i++ {
		switch fields[i] {
		case fieldRequestID + ":":
			id = fields[i+1]
		case "Version:":
			version = fields[i+1]
		}
	}
	if id != "" {
		sc.remember(id, ctx.stream, origin{version: version})
	}
}

// remember notes what is known about a request and its stream.
func (sc *scanner) remember(requestID, stream string, o origin) {
	if requestID != "" && len(sc.byRequest) < 1<<20 {
		sc.byRequest[requestID] = o.or(sc.byRequest[requestID])
	}
	// Bare JSON lines have no stream: "" then stands for the whole input.
	if o.function != "" {
		sc.byStream[stream] = o.or(sc.byStream[stream])
	}
}

func (sc *scanner) malformed(line int, text string, err error) {
	sc.out.Malformed++
	if len(sc.out.Examples) < MaxExamples {
		if len(text) > maxExampleText {
			text = text[:maxExampleText] + "…"
		}
		sc.out.Examples = append(sc.out.Examples, Malformed{Line: line, Text: text, Err: err.Error()})
	}
}

// or fills o's empty fields from p.
func (o origin) or(p origin) origin {
	if o.function == "" {
		o.function = p.function
	}
	if o.version == "" {
		o.version = p.version
	}
	if o.region == "" {
		o.region = p.region
	}
	return o
}
