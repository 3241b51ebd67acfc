package codezip

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zent is one entry of a zip built in memory.
type zent struct {
	name string
	body string
	mode fs.FileMode // 0 means a 0644 regular file
}

func file(name, body string) zent             { return zent{name, body, 0o644} }
func exe(name, body string) zent              { return zent{name, body, 0o755} }
func dirent(name string) zent                 { return zent{name, "", fs.ModeDir | 0o755} }
func link(name, target string) zent           { return zent{name, target, fs.ModeSymlink | 0o777} }
func special(name string, m fs.FileMode) zent { return zent{name, "", m | 0o644} }

func buildZip(tb testing.TB, ents ...zent) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range ents {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode == 0 {
			e.mode = 0o644
		}
		h.SetMode(e.mode)
		f, err := w.CreateHeader(h)
		if err != nil {
			tb.Fatal(err)
		}
		if e.body != "" {
			if _, err := f.Write([]byte(e.body)); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// taskDir makes an empty code directory inside a fresh parent, so tests can
// check that nothing lands beside it.
func taskDir(tb testing.TB) (parent, dir string) {
	tb.Helper()
	parent = tb.TempDir()
	dir = filepath.Join(parent, "task")
	if err := os.Mkdir(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return parent, dir
}

// checkContained fails if anything but dir and its contents is in parent, or
// if a symlink in dir resolves outside it.
func checkContained(tb testing.TB, parent, dir string) {
	tb.Helper()
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		tb.Fatal(err)
	}
	err = filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != parent && p != dir && !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			tb.Errorf("written outside the code directory: %s", p)
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if r, err := filepath.EvalSymlinks(p); err == nil &&
				r != realDir && !strings.HasPrefix(r, realDir+string(filepath.Separator)) {
				tb.Errorf("symlink %s resolves outside the code directory: %s", p, r)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func checkEmptyDir(tb testing.TB, dir string) {
	tb.Helper()
	names, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	if len(names) > 0 {
		tb.Errorf("code directory not emptied after a rejection: %d entries left, first %s", len(names), names[0].Name())
	}
}

func asError(err error) *Error {
	var ze *Error
	if errors.As(err, &ze) {
		return ze
	}
	return nil
}
