package reportlog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Whole-document inputs: the AWS CLI's default JSON output.
const (
	docEvents       = "events"  // {"events": [...], ...} of filter-log-events / get-log-events
	docEventsArray  = "array"   // [...] of events (jq '.events')
	docInsightsJSON = "results" // {"results": [[{"field","value"}…]…], ...} of get-query-results
)

// peekDocument says whether the input is one of the AWS CLI's JSON
// documents rather than lines, judging by its first key.
func peekDocument(br *bufio.Reader) string {
	b, _ := br.Peek(4096)
	b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(b) == 0 {
		return ""
	}
	open := b[0]
	if open != '{' && open != '[' {
		return ""
	}
	b = bytes.TrimLeft(b[1:], " \t\r\n")
	if open == '[' {
		if len(b) == 0 || b[0] != '{' {
			return ""
		}
		b = bytes.TrimLeft(b[1:], " \t\r\n")
	}
	if len(b) == 0 || b[0] != '"' {
		return ""
	}
	end := bytes.IndexByte(b[1:], '"')
	if end < 0 {
		return ""
	}
	key := string(b[1 : 1+end])
	switch {
	case open == '[' && (key == "logStreamName" || key == "timestamp" || key == "message" || key == "eventId" || key == "ingestionTime"):
		return docEventsArray
	// The AWS CLI prints a response's members in the API's order, so the
	// list comes first; other first keys are a JSON log line's.
	case open == '{' && key == "events":
		return docEvents
	case open == '{' && key == "results":
		return docInsightsJSON
	}
	return ""
}

// docEvent is one event of filter-log-events or get-log-events output.
type docEvent struct {
	LogStreamName string          `json:"logStreamName"`
	Timestamp     json.RawMessage `json:"timestamp"`
	Message       string          `json:"message"`
}

// scanDocument reads AWS CLI JSON documents (several, if concatenated). A
// document that breaks off or is not JSON ends the scan with a malformed
// entry; what was read before stays.
func scanDocument(r io.Reader, kind string) (*LogScan, error) {
	format := FormatEventsJSON
	if kind == docInsightsJSON {
		format = FormatInsightsJSON
	}
	sc := newScanner(format)
	ins := newInsightsReader(sc)
	rr := &readErr{r: r}
	dec := json.NewDecoder(rr)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			switch tok {
			case json.Delim('['):
				err = sc.docEventList(dec)
			case json.Delim('{'):
				err = sc.docObject(dec, ins)
			default:
				err = fmt.Errorf("unexpected %v", tok)
			}
		}
		if err != nil {
			if rr.err != nil {
				return sc.out, rr.err
			}
			sc.malformed(sc.out.Lines+1, "", fmt.Errorf("JSON document: %w", err))
			break
		}
	}
	ins.finish()
	return sc.out, nil
}

// docObject reads one document object after its '{'.
func (sc *scanner) docObject(dec *json.Decoder, ins *insightsReader) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case "events":
			if err := expectDelim(dec, '['); err != nil {
				return err
			}
			if err := sc.docEventList(dec); err != nil {
				return err
			}
		case "results":
			if err := expectDelim(dec, '['); err != nil {
				return err
			}
			for dec.More() {
				var row []struct{ Field, Value string }
				if err := dec.Decode(&row); err != nil {
					return err
				}
				sc.out.Lines++
				ins.jsonRow(sc.out.Lines, row)
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
	_, err := dec.Token() // '}'
	return err
}

// docEventList reads events after the list's '['.
func (sc *scanner) docEventList(dec *json.Decoder) error {
	for dec.More() {
		var ev docEvent
		if err := dec.Decode(&ev); err != nil {
			return err
		}
		sc.out.Lines++
		ctx := lineCtx{line: sc.out.Lines, stream: ev.LogStreamName}
		ctx.ts, _ = jsonTime(ev.Timestamp)
		sc.message(ctx, ev.Message, ev.Message, noDepth)
	}
	_, err := dec.Token() // ']'
	return err
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("want %v, got %v", d, tok)
	}
	return nil
}

// readErr remembers its reader's error, which tells a failing reader from
// a broken document.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		r.err = err
	}
	return n, err
}
