package codezip

import (
	"archive/zip"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

type kind int

const (
	kindDir kind = iota
	kindFile
	kindSymlink
)

// entry is a zip entry that passed the name checks.
type entry struct {
	f    *zip.File
	name string // cleaned, slash-separated, relative to the package root
	kind kind
	exec bool
}

// plan checks every entry's name and type, and the declared unzipped size,
// before anything is written.
//
// Notes:
//   - A name is refused if it is absolute, escapes with "..", or holds a
//     backslash or NUL. A backslash is an ordinary character on Linux, but
//     Windows tools read it as a separator, so such a name is either a
//     Windows-made zip or a trick; AWS's handling is unconfirmed.
//   - "a/../b" is accepted as "b": it never leaves the package.
//   - Devices, pipes and sockets are refused; AWS's handling is unconfirmed.
//   - Declared sizes are checked here to refuse an obvious bomb early; the
//     bytes actually written are counted again while writing.
func plan(files []*zip.File, maxUnzipped int64) ([]entry, error) {
	entries := make([]entry, 0, len(files))
	var declared uint64
	for _, f := range files {
		name, err := cleanName(f.Name)
		if err != nil {
			return nil, err
		}
		mode := f.Mode()
		e := entry{f: f, name: name}
		switch {
		case strings.HasSuffix(f.Name, "/") || mode.IsDir():
			e.kind = kindDir
		case mode&fs.ModeSymlink != 0:
			e.kind = kindSymlink
		case mode.IsRegular():
			e.kind = kindFile
			e.exec = mode.Perm()&0o111 != 0
			declared += f.UncompressedSize64
			if declared > uint64(maxUnzipped) {
				return nil, tooBigUnzipped(maxUnzipped)
			}
		default:
			return nil, badZip("entry %q: unsupported file type %v", f.Name, mode.Type())
		}
		if name == "." && e.kind != kindDir {
			return nil, badZip("entry %q: not a file name", f.Name)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// cleanName returns the entry's path relative to the package root, or an
// error if it could land outside it.
func cleanName(name string) (string, error) {
	switch {
	case name == "":
		return "", badZip("entry with an empty name")
	case strings.ContainsAny(name, "\\\x00"):
		return "", badZip("entry %q: backslash or NUL in name", name)
	case strings.HasPrefix(name, "/"):
		return "", badZip("entry %q: absolute path", name)
	}
	c := path.Clean(name)
	if !filepath.IsLocal(c) {
		return "", badZip("entry %q: path escapes the package", name)
	}
	return c, nil
}

// checkTarget makes sure a symlink at name pointing to target stays inside
// the package as written, before it is created. Lambda keeps symlinks (npm's
// node_modules/.bin links rely on it); this refuses absolute targets and
// ".." escapes. AWS itself accepts those (e.g. links into /opt for layers);
// refusing them is a deliberate local difference, since here the package is
// unpacked on the host.
func checkTarget(name, target string) error {
	switch {
	case target == "" || len(target) > maxLinkTarget || strings.ContainsRune(target, 0):
		return badZip("symlink %q: invalid target", name)
	case strings.HasPrefix(target, "/"):
		return badZip("symlink %q: absolute target %q", name, target)
	}
	if !filepath.IsLocal(path.Join(path.Dir(name), target)) {
		return badZip("symlink %q: target %q escapes the package", name, target)
	}
	return nil
}

// maxLinkTarget is PATH_MAX less the NUL.
const maxLinkTarget = 4095

// maxHops is the kernel's limit on symlinks followed in one lookup
// (MAXSYMLINKS); a longer chain fails with ELOOP, so it resolves nowhere.
const maxHops = 40

// maxSteps bounds the path components resolveInside walks for one link, so
// a crafted set of links cannot make the check itself expensive. A link that
// needs more is refused; real ones (npm's .bin links) take a handful.
const maxSteps = 4096

// resolveInside follows the symlink at name the way the kernel would, through
// the links already on disk, and refuses it if it leaves the package. The
// lexical check in checkTarget misses a ".." taken after another link
// ("a" -> ".", "b" -> "a/.."), so every link is checked again once all are
// in place. A link that dangles, or loops, resolves to nothing and is kept.
func resolveInside(lstat func(string) (fs.FileInfo, error), readlink func(string) (string, error), name string) error {
	var stack []string // real directories from the root to where we are
	if d := path.Dir(name); d != "." {
		stack = strings.Split(d, "/")
	}
	target, err := readlink(name)
	if err != nil {
		return err
	}
	pending := strings.Split(target, "/")
	for hops, steps := 0, 0; len(pending) > 0; steps++ {
		if steps > maxSteps {
			return badZip("symlink %q: too many steps to resolve", name)
		}
		c := pending[0]
		pending = pending[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				return badZip("symlink %q: target %q escapes the package", name, target)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		p := path.Join(append(stack, c)...)
		fi, err := lstat(p)
		if err != nil {
			return nil // dangling or not a directory: resolves to nothing
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			stack = append(stack, c)
			continue
		}
		if hops++; hops > maxHops {
			return nil
		}
		t, err := readlink(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(t, "/") {
			return badZip("symlink %q: resolves through absolute %q", name, t)
		}
		pending = append(strings.Split(t, "/"), pending...)
	}
	return nil
}
