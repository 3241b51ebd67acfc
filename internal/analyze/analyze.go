// Package analyze imports real AWS Lambda logs (CloudWatch log text, AWS CLI
// JSON output, Logs Insights exports) into coldstart's results model, so
// production invokes get the same reports as benchmarks. Every REPORT line
// becomes one bench.Sample; the formats themselves live in reportlog.
//
// analyze imports reportlog, bench and cost (for architecture names); never
// report or the commands.
package analyze

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/cost"
	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// TargetKind is the results' target kind for imported logs.
const TargetKind = "cloudwatch"

// Options configures Load.
type Options struct {
	// Label names one variant for everything loaded; "" groups by function
	// (or file).
	Label string
	// Region prices the invokes; "" takes the region the logs name
	// (functionArn), if any.
	Region string
	// Arch is the architecture the functions ran on: x86_64 (default) or
	// arm64. Logs do not say; it only selects prices.
	Arch string
	// Version is coldstart's version, for the run header.
	Version string
	// Stdin is read for the path "-"; nil means os.Stdin.
	Stdin io.Reader
}

// ErrNothingFound is returned (wrapped) when no input held a REPORT line.
var ErrNothingFound = errors.New("no REPORT lines found")

// Load reads log files ("-" for stdin; gzip is unpacked, as in S3 exports)
// and builds results with one sample per REPORT line. Each file's kind is
// detected: a Logs Insights CSV export by its header, else CloudWatch log
// text or AWS CLI JSON. The summary says what was read, found, skipped and
// grouped; it is filled as far as loading got, also with an error.
func Load(paths []string, o Options) (*bench.Results, Summary, error) {
	if len(paths) == 0 {
		return nil, Summary{}, errors.New("no input: name one or more log files, or - for stdin")
	}
	arch, err := normalizeArch(o.Arch)
	if err != nil {
		return nil, Summary{}, err
	}
	h := sha256.New()
	var files []input
	stdin := false
	for _, p := range paths {
		if p == "-" {
			if stdin {
				return nil, Summary{}, errors.New("stdin (-) named twice")
			}
			stdin = true
		}
		scan, err := loadFile(p, o.Stdin, h)
		if err != nil {
			return nil, summarizeFiles(files), err
		}
		files = append(files, input{path: p, scan: scan})
	}
	res, sum := build(files, o, arch, fmt.Sprintf("%x", h.Sum(nil)))
	if len(res.Samples) == 0 {
		return res, sum, fmt.Errorf("%w in %s: expected aws logs tail / filter-log-events output or a Logs Insights export (see coldstart analyze --help)",
			ErrNothingFound, describePaths(paths))
	}
	return res, sum, nil
}

// input is one file as scanned.
type input struct {
	path string
	scan *reportlog.LogScan
}

// loadFile reads one file, hashing what it reads.
func loadFile(path string, stdin io.Reader, h hash.Hash) (*reportlog.LogScan, error) {
	var r io.Reader
	name := path
	if path == "-" {
		name, r = "stdin", stdin
		if r == nil {
			r = os.Stdin
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	fmt.Fprintf(h, "%s\x00", path)
	br := bufio.NewReaderSize(io.TeeReader(r, h), 64<<10)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	var scan *reportlog.LogScan
	var err error
	if reportlog.IsInsightsHeader(firstLine(br)) {
		scan, err = reportlog.ParseInsightsCSV(br)
	} else {
		scan, err = reportlog.ScanLogs(br)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return scan, nil
}

// firstLine peeks at the first line (up to 4 KB) without consuming it.
func firstLine(br *bufio.Reader) string {
	b, _ := br.Peek(4096)
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return string(bytes.TrimRight(b, "\r"))
}

func normalizeArch(a string) (string, error) {
	switch a {
	case "", string(cost.X86), "amd64", "x86-64":
		return string(cost.X86), nil
	case string(cost.ARM), "aarch64":
		return string(cost.ARM), nil
	}
	return "", fmt.Errorf("unknown architecture %q: want %s or %s", a, cost.X86, cost.ARM)
}

func describePaths(paths []string) string {
	if len(paths) == 1 {
		return displayName(paths[0])
	}
	return fmt.Sprintf("%d files", len(paths))
}

func displayName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}
