package reportlog

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// lineCtx is what a log tool printed before a message.
type lineCtx struct {
	line   int
	ts     time.Time
	stream string
	group  string
	// events: an `aws logs filter-log-events --output text` row, whose first
	// timestamp is the ingestion time (tsFallback) and whose event
	// timestamp follows the message.
	events     bool
	tsFallback bool
}

func (c lineCtx) known() bool { return !c.ts.IsZero() || c.stream != "" || c.group != "" }

// origin is what the prefix says about the function: its log group names
// it, its stream names the executed version.
func (c lineCtx) origin() origin {
	return origin{function: functionFromLogGroup(c.group), version: versionFromStream(c.stream)}
}

// maxPrefixTokens bounds the tokens looked at before a message: EVENTS,
// event id, ingestion time, stream, plus a date, clock and zone.
const maxPrefixTokens = 8

// splitPrefix takes apart what log tools print before a message: a
// timestamp (RFC 3339, "2006-01-02 15:04:05.000", epoch milliseconds), a log
// stream name, a log group, and the EVENTS row head of filter-log-events
// text output. The message is the rest, from the first token that is none
// of these.
func splitPrefix(line string) (lineCtx, string) {
	var c lineCtx
	i := 0
	for n := 0; n < maxPrefixTokens; n++ {
		start := skipBlanks(line, i)
		end := start
		for end < len(line) && line[end] != ' ' && line[end] != '\t' {
			end++
		}
		tok := line[start:end]
		switch {
		case tok == "":
			return c, ""
		case tok[0] == '{' || tok[0] == '[':
			return c, line[start:] // a JSON message (or a bracketed level)
		case n == 0 && tok == "EVENTS":
			c.events = true
		case isDigits(tok):
			// Epoch milliseconds; in an EVENTS row, the ingestion time.
			// Other numbers (event ids) are skipped.
			if ts, ok := parseMillis(tok); ok && c.ts.IsZero() {
				c.ts, c.tsFallback = ts, c.events
			}
		case looksLikeDate(tok):
			ts, next, ok := parseDateTokens(line, tok, end)
			if !ok {
				return c, line[start:]
			}
			if c.ts.IsZero() || c.tsFallback {
				c.ts, c.tsFallback = ts, false
			}
			end = next
		case isLogGroup(tok):
			c.group = logGroup(strings.TrimSuffix(tok, ":"))
		case isLogStream(tok):
			c.stream = tok
		case tok == "UTC" && !c.ts.IsZero():
		default:
			return c, line[start:]
		}
		i = end
	}
	return c, line[skipBlanks(line, i):]
}

func skipBlanks(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseMillis parses epoch milliseconds (12–14 digits: the years 2001–5138).
func parseMillis(s string) (time.Time, bool) {
	if len(s) < 12 || len(s) > 14 || !isDigits(s) {
		return time.Time{}, false
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms).UTC(), true
}

func looksLikeDate(s string) bool {
	return len(s) >= 10 && s[4] == '-' && s[7] == '-' && isDigits(s[:4]) && isDigits(s[5:7]) && isDigits(s[8:10])
}

// timestampLayouts are the timestamps log tools print: aws logs tail
// (RFC 3339 with microseconds and +00:00; short format without zone), the
// console and exports (Z), Logs Insights ("2006-01-02 15:04:05.000").
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"}

// parseTimestamp parses a CloudWatch timestamp as log tools print it
// (RFC 3339, "2006-01-02 15:04:05.000" as Logs Insights does, or epoch
// milliseconds). Times without a zone are UTC, as CloudWatch's are.
func parseTimestamp(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, ok := parseMillis(s); ok {
		return t, true
	}
	if !looksLikeDate(s) {
		return time.Time{}, false
	}
	s = strings.TrimSuffix(s, " UTC")
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseDateTokens parses a timestamp token, or a date token followed by a
// clock token ("2024-01-02 03:04:05.678"); next is where it ends.
func parseDateTokens(line, tok string, end int) (time.Time, int, bool) {
	if len(tok) > 10 {
		t, ok := parseTimestamp(tok)
		return t, end, ok
	}
	start := skipBlanks(line, end)
	next := start
	for next < len(line) && line[next] != ' ' && line[next] != '\t' {
		next++
	}
	t, ok := parseTimestamp(tok + " " + line[start:next])
	return t, next, ok
}

// isLogGroup matches /aws/… and Logs Insights' @log form 123456789012:/aws/….
func isLogGroup(s string) bool {
	if i := strings.Index(s, ":/aws/"); i > 0 && isDigits(s[:i]) {
		return true
	}
	return strings.HasPrefix(s, "/aws/")
}

// logGroup drops the account from Logs Insights' @log form
// (123456789012:/aws/lambda/fn).
func logGroup(s string) string {
	if i := strings.Index(s, ":/"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// isLogStream matches Lambda's log stream names, 2024/01/02/[$LATEST]<hex>,
// and the instance-id form fn[$LATEST]<hex>. (A hand-written match: this
// runs for every line.)
func isLogStream(s string) bool {
	if len(s) > 11 && s[4] == '/' && s[7] == '/' && s[10] == '/' && isDigits(s[:4]) && isDigits(s[5:7]) && isDigits(s[8:10]) {
		return true
	}
	open := strings.IndexByte(s, '[')
	if open < 0 {
		return false
	}
	end := strings.IndexByte(s[open:], ']')
	if end < 2 {
		return false
	}
	rest := s[open+end+1:]
	if len(rest) < 8 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if !isHex(rest[i]) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// functionFromLogGroup returns the function a Lambda log group belongs to:
// "my-fn" for /aws/lambda/my-fn or 123456789012:/aws/lambda/my-fn (Logs
// Insights' @log), "" for other groups.
func functionFromLogGroup(group string) string {
	const prefix = "/aws/lambda/"
	i := strings.Index(group, prefix)
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(group[i+len(prefix):], ":*")
}

// versionFromStream returns the executed version a Lambda log stream name
// carries ("$LATEST" or "56" for 2024/01/02/[56]0123abcd…), or "".
func versionFromStream(stream string) string {
	i := strings.LastIndexByte(stream, '[')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(stream[i:], ']')
	if j < 0 {
		return ""
	}
	return stream[i+1 : i+j]
}

// functionFromARN returns the function name and region of a Lambda
// function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]).
func functionFromARN(arn string) (name, region string) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" {
		return "", ""
	}
	return parts[6], parts[3]
}

// ansi matches the colour escapes aws logs tail prints to terminals (and
// with --color on).
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }
