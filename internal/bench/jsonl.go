package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Writer appends records to a results file, one JSON object per line. It
// flushes and fsyncs at most every syncEvery, and a line never waits longer
// than that in the buffer (a timer flushes it when no further line comes), so
// a crash loses at most the samples of that window, and never leaves a
// half-written line behind a complete one. Lines reach the file in
// buffer-sized writes, so a crash can cut the last one anywhere: Read skips
// that torn line, and Append cuts it off.
type Writer struct {
	mu       sync.Mutex
	f        *os.File // nil when writing to a plain io.Writer (stdout)
	w        *bufio.Writer
	lastSync time.Time
	timer    *time.Timer // pending flush of buffered lines, or nil
	err      error
}

const syncEvery = 250 * time.Millisecond

// Create starts a new results file ("-" for stdout) with its header.
func Create(path string, run Run) (*Writer, error) {
	run.Kind = KindRun
	if path == "-" {
		w := &Writer{w: bufio.NewWriter(os.Stdout)}
		return w, w.write(run, true)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create results: %w", err)
	}
	w := &Writer{f: f, w: bufio.NewWriter(f)}
	return w, w.write(run, true)
}

// Append reopens an existing results file to continue it; a torn last line
// (from a crash) is cut off first so new lines start clean.
func Append(path string, validBytes int64) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("open results: %w", err)
	}
	if err := f.Truncate(validBytes); err != nil {
		f.Close()
		return nil, fmt.Errorf("truncate torn line: %w", err)
	}
	if _, err := f.Seek(validBytes, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	w := &Writer{f: f, w: bufio.NewWriter(f)}
	return w, w.write(map[string]any{"kind": KindResume, "at": time.Now().UTC()}, true)
}

// Sample appends one sample.
func (w *Writer) Sample(s Sample) error {
	s.Kind = KindSample
	return w.write(s, false)
}

func (w *Writer) write(v any, sync bool) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	w.w.Write(b)
	w.w.WriteByte('\n')
	if sync || time.Since(w.lastSync) >= syncEvery {
		w.err = w.flush()
	} else if w.timer == nil {
		// The next line may be seconds away (the idle strategy waits out
		// the idle lifetime): flush this one when its window ends anyway.
		var t *time.Timer
		t = time.AfterFunc(syncEvery-time.Since(w.lastSync), func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.timer == t && w.err == nil {
				w.err = w.flush()
			}
		})
		w.timer = t
	}
	return w.err
}

func (w *Writer) flush() error {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.lastSync = time.Now()
	if err := w.w.Flush(); err != nil {
		return err
	}
	if w.f != nil {
		return w.f.Sync()
	}
	return nil
}

// Close flushes everything and closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.flush()
	if w.f != nil {
		err = errors.Join(err, w.f.Close())
	}
	return err
}

// Results is a results file read back.
type Results struct {
	Run     Run
	Samples []Sample
	// ValidBytes is where the last complete line ends; a resumed run
	// continues from there.
	ValidBytes int64
	// Warnings lists lines that were skipped (a torn last line, garbage).
	Warnings []string

	strings map[string]string // interned sample strings, while reading
}

// Read reads a results stream: a run header, then samples. A torn or
// malformed line is skipped with a warning, never fatal.
func Read(r io.Reader) (*Results, error) { return read(r, 0) }

// bytesPerSample is about what one sample line takes; ReadFile sizes its
// slice from the file's length, since growing a slice of a million large
// structs by doubling copies gigabytes.
const bytesPerSample = 300

func read(r io.Reader, sizeHint int64) (*Results, error) {
	res := &Results{Samples: make([]Sample, 0, sizeHint/bytesPerSample)}
	br := bufio.NewReaderSize(r, 1<<20)
	var offset int64
	line := 0
	for {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			line++
			complete := b[len(b)-1] == '\n'
			if !complete {
				res.Warnings = append(res.Warnings, fmt.Sprintf("line %d: incomplete last line (%d bytes) skipped", line, len(b)))
			} else {
				// A complete line stays even when it is skipped (garbage, a
				// kind from a newer version): resuming cuts only a torn tail.
				res.ValidBytes = offset + int64(len(b))
				if perr := res.add(bytes.TrimSpace(b), line); perr != nil {
					res.Warnings = append(res.Warnings, perr.Error())
				}
			}
			offset += int64(len(b))
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, err
		}
	}
	if res.Run.Kind != KindRun {
		return res, errors.New("no run header: not a coldstart results file")
	}
	return res, nil
}

// samplePrefix starts every sample line Writer writes (Kind is Sample's first
// field): such lines are decoded once, straight into a Sample.
var samplePrefix = []byte(`{"kind":"sample"`)

func (res *Results) add(b []byte, line int) error {
	if len(b) == 0 {
		return nil
	}
	if bytes.HasPrefix(b, samplePrefix) {
		return res.addSample(b, line)
	}
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("line %d: not JSON, skipped", line)
	}
	switch head.Kind {
	case KindRun:
		if res.Run.Kind == KindRun {
			return fmt.Errorf("line %d: second run header skipped", line)
		}
		return json.Unmarshal(b, &res.Run)
	case KindSample:
		return res.addSample(b, line)
	case KindResume:
	default:
		return fmt.Errorf("line %d: unknown kind %q skipped", line, head.Kind)
	}
	return nil
}

func (res *Results) addSample(b []byte, line int) error {
	var s Sample
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("line %d: bad sample skipped: %v", line, err)
	}
	// A million samples repeat a handful of these strings: share them.
	if res.strings == nil {
		res.strings = map[string]string{}
	}
	for _, p := range []*string{&s.Kind, &s.Run, &s.Variant, &s.Phase, &s.Arch, &s.Flag, &s.ReportStatus, &s.ErrorType, &s.FunctionError} {
		if *p == "" {
			continue
		}
		if v, ok := res.strings[*p]; ok {
			*p = v
		} else if len(res.strings) < 10000 {
			res.strings[*p] = *p
		}
	}
	res.Samples = append(res.Samples, s)
	return nil
}

// ReadFile reads a results file ("-" for stdin).
func ReadFile(path string) (*Results, error) {
	if path == "-" {
		return Read(os.Stdin)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	res, err := read(f, size)
	if err != nil {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}
