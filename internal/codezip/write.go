package codezip

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"syscall"
)

// extractor writes entries under a root. os.Root refuses any path that
// resolves outside the directory, so a mistake in the name checks still
// cannot write outside it; the checks here turn such packages into 400s.
type extractor struct {
	root    *os.Root
	limit   int64
	written int64
	files   int
	maxDirs int // directories we may create: names alone could ask for millions
	nDirs   int
	links   []string
	dirs    map[string]bool // directories known to be real, not symlinks
	buf     []byte
}

func newExtractor(root *os.Root, limit int64, maxDirs int) *extractor {
	return &extractor{root: root, limit: limit, maxDirs: maxDirs, dirs: map[string]bool{".": true}, buf: make([]byte, 32*1024)}
}

// run writes every entry, then checks every symlink against the final tree.
//
// Notes:
//   - Duplicate names are refused, not last-wins: files are created with
//     O_EXCL, which also never follows a symlink left by an earlier entry.
//     AWS's handling of duplicates is unconfirmed.
//   - An entry below a symlink ("lib" -> "lib64", then "lib/x") is refused,
//     even when the link stays inside: no tool writes such zips, and writing
//     through links is how extraction escapes.
func (x *extractor) run(entries []entry) error {
	for _, e := range entries {
		var err error
		switch e.kind {
		case kindDir:
			err = x.mkdirs(e.name, e.name)
		case kindFile:
			err = x.file(e)
		case kindSymlink:
			err = x.symlink(e)
		}
		if err != nil {
			return err
		}
	}
	for _, l := range x.links {
		if err := resolveInside(x.root.Lstat, x.root.Readlink, l); err != nil {
			return x.osErr(l, err)
		}
	}
	return nil
}

// mkdirs creates dir and its parents as real directories, for entry.
func (x *extractor) mkdirs(dir, entry string) error {
	if x.dirs[dir] {
		return nil
	}
	if err := x.mkdirs(path.Dir(dir), entry); err != nil {
		return err
	}
	fi, err := x.root.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if x.nDirs++; x.nDirs > x.maxDirs {
			return tooManyEntries(x.nDirs, x.maxDirs, "directories")
		}
		if err := x.root.Mkdir(dir, 0o755); err != nil {
			return x.osErr(entry, err)
		}
		if err := x.root.Chmod(dir, 0o755); err != nil { // undo the umask
			return x.osErr(entry, err)
		}
	case err != nil:
		return x.osErr(entry, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return badZip("entry %q: would be written through symlink %q", entry, dir)
	case !fi.IsDir():
		return badZip("entry %q: %q is both a file and a directory", entry, dir)
	}
	x.dirs[dir] = true
	return nil
}

func (x *extractor) file(e entry) error {
	if err := x.mkdirs(path.Dir(e.name), e.f.Name); err != nil {
		return err
	}
	perm := fs.FileMode(0o644)
	if e.exec {
		perm = 0o755
	}
	rc, err := e.f.Open()
	if err != nil {
		return badZip("entry %q: %v", e.f.Name, err)
	}
	defer rc.Close()
	out, err := x.root.OpenFile(e.name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return x.osErr(e.f.Name, err)
	}
	x.files++
	err = x.copy(out, rc, e.f.Name)
	if err == nil {
		err = out.Chmod(perm) // undo the umask
	}
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", e.name, cerr)
	}
	return err
}

// copy writes r to w, counting real bytes against the unzipped limit: a
// header can lie, and a bomb must stop at the limit, not at the disk's end.
func (x *extractor) copy(w io.Writer, r io.Reader, name string) error {
	for {
		n, rerr := r.Read(x.buf)
		if n > 0 {
			if x.written+int64(n) > x.limit {
				return tooBigUnzipped(x.limit)
			}
			if _, err := w.Write(x.buf[:n]); err != nil {
				return fmt.Errorf("write %s: %w", name, err)
			}
			x.written += int64(n)
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return badZip("entry %q: %v", name, rerr)
		}
	}
}

func (x *extractor) symlink(e entry) error {
	if err := x.mkdirs(path.Dir(e.name), e.f.Name); err != nil {
		return err
	}
	rc, err := e.f.Open()
	if err != nil {
		return badZip("entry %q: %v", e.f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxLinkTarget+1))
	if err != nil {
		return badZip("entry %q: %v", e.f.Name, err)
	}
	target := string(b)
	if err := checkTarget(e.name, target); err != nil {
		return err
	}
	if err := x.root.Symlink(target, e.name); err != nil {
		return x.osErr(e.f.Name, err)
	}
	x.links = append(x.links, e.name)
	return nil
}

// osErr tells a package's fault (a 400) from ours.
func (x *extractor) osErr(entry string, err error) error {
	var ze *Error
	switch {
	case errors.As(err, &ze):
		return err
	case errors.Is(err, fs.ErrExist):
		return badZip("entry %q: duplicate or conflicting name", entry)
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR),
		errors.Is(err, syscall.ENAMETOOLONG), errors.Is(err, syscall.ELOOP),
		errors.Is(err, syscall.EINVAL):
		return badZip("entry %q: %v", entry, err)
	}
	return fmt.Errorf("extract %s: %w", entry, err)
}

// cleanup empties the code directory after a failure and returns err, or
// our own error if the directory cannot be emptied.
func (x *extractor) cleanup(err error) error {
	f, oerr := x.root.Open(".")
	if oerr != nil {
		return fmt.Errorf("clean up after %v: %w", err, oerr)
	}
	names, rerr := f.Readdirnames(-1)
	f.Close()
	if rerr != nil {
		return fmt.Errorf("clean up after %v: %w", err, rerr)
	}
	for _, n := range names {
		if rerr := x.root.RemoveAll(n); rerr != nil {
			return fmt.Errorf("clean up after %v: %w", err, rerr)
		}
	}
	return err
}
