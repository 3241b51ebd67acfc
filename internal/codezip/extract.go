package codezip

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
)

// Limits on a package uploaded inline (lambda-spec.md §7).
const (
	// MaxZipped is the largest ZipFile, decoded, in bytes (50 MB).
	MaxZipped = 50 * 1024 * 1024
	// MaxUnzipped is the most bytes a package may unpack to (250 MB, which
	// on AWS includes the function's layers).
	MaxUnzipped = 250 * 1024 * 1024
	// MaxRequest is the largest CreateFunction or UpdateFunctionCode request
	// body in bytes. AWS said 69905067 (the base64 length of 50 MB, less one)
	// from 2016 to at least 2021; LocalStack now uses 70167211 (that plus
	// 256 KiB) after AWS changed its validation around 2023-11, which is the
	// value that lets a 50 MB zip and its JSON through. Unconfirmed on AWS.
	MaxRequest = 70167211
	// MaxEntries bounds the entries of a zip we unpack, and separately the
	// directories it makes us create. This is our own limit, to bound work;
	// Lambda documents none.
	MaxEntries = 200_000
)

// Info describes a package as Lambda reports it.
type Info struct {
	CodeSize   int64  // bytes of the zip: FunctionConfiguration.CodeSize
	CodeSHA256 string // base64 (standard, padded) SHA-256 of the zip: CodeSha256
	Unzipped   int64  // bytes written to regular files
	Files      int    // regular files written
	Symlinks   int    // symbolic links created
}

// Options overrides the limits of Extract; a zero field keeps the default.
// Lower limits serve tests, and MaxUnzipped less the size of the function's
// layers is how AWS applies its 250 MB limit to a function with layers.
type Options struct {
	MaxZipped   int64
	MaxUnzipped int64
	MaxEntries  int
}

func (o Options) withDefaults() Options {
	if o.MaxZipped <= 0 {
		o.MaxZipped = MaxZipped
	}
	if o.MaxUnzipped <= 0 {
		o.MaxUnzipped = MaxUnzipped
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = MaxEntries
	}
	return o
}

// Sum returns a package's CodeSize and CodeSha256 without unpacking it.
func Sum(zip []byte) (size int64, sha string) {
	h := sha256.Sum256(zip)
	return int64(len(zip)), base64.StdEncoding.EncodeToString(h[:])
}

// Extract checks zip against Lambda's rules and unpacks it into dir, which
// must exist and be empty. A rejected package gives an *Error and leaves dir
// empty; any other error is our own failure.
func Extract(zip []byte, dir string) (Info, error) {
	return ExtractWith(zip, dir, Options{})
}

// ExtractWith is Extract with limits other than Lambda's.
func ExtractWith(data []byte, dir string, o Options) (Info, error) {
	o = o.withDefaults()
	if int64(len(data)) > o.MaxZipped {
		return Info{}, tooBigZipped(int64(len(data)), o.MaxZipped)
	}
	if err := checkEmpty(dir); err != nil {
		return Info{}, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	// ErrInsecurePath comes with a usable reader (GODEBUG zipinsecurepath=0);
	// names are checked below either way.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return Info{}, badZip("%v", err)
	}
	if len(zr.File) > o.MaxEntries {
		return Info{}, tooManyEntries(len(zr.File), o.MaxEntries, "entries")
	}
	entries, err := plan(zr.File, o.MaxUnzipped)
	if err != nil {
		return Info{}, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Info{}, fmt.Errorf("open code directory: %w", err)
	}
	defer root.Close()
	x := newExtractor(root, o.MaxUnzipped, o.MaxEntries)
	if err := x.run(entries); err != nil {
		return Info{}, x.cleanup(err)
	}
	size, sha := Sum(data)
	return Info{CodeSize: size, CodeSHA256: sha, Unzipped: x.written, Files: x.files, Symlinks: len(x.links)}, nil
}

// checkEmpty makes sure dir is an empty directory, so cleaning up after a
// rejection can remove everything in it.
func checkEmpty(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open code directory: %w", err)
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read code directory: %w", err)
	}
	if len(names) > 0 {
		return fmt.Errorf("code directory %s is not empty", dir)
	}
	return nil
}
