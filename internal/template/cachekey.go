package template

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// cacheKey hashes everything a Go build's output depends on: the toolchain
// (`go env` output), target, flags, package path, and the path and content of
// every regular file under the module root. Dependencies outside the module
// are pinned by go.sum, which is inside it.
//
// Notes: replace directives and go.work files pointing outside the module
// root are not hashed; after changing such code, touch a file in the module
// or delete the cache directory.
func cacheKey(goEnv, pkgPath, modRoot, skipDir string) (string, error) {
	h := sha256.New()
	field := func(name, v string) { fmt.Fprintf(h, "%s %d %s\n", name, len(v), v) }
	field("key", "coldstart-go-build-1") // bump when the scheme changes
	field("goenv", goEnv)
	field("target", "linux/"+runtime.GOARCH)
	field("flags", strings.Join(goBuildFlags, "\x00"))
	field("pkg", pkgPath)
	skip := func(name, path string) bool { return skipped(name, path, skipDir) }
	if err := hashTree(field, modRoot, skip); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashTree feeds the path and content of every regular file under root
// (except directories skip rejects) to field.
func hashTree(field func(name, v string), root string, skip func(name, path string) bool) error {
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// Skip rules apply below the root only: the root itself may well be
		// inside a testdata or dot directory.
		if d.IsDir() && path != root && skip(d.Name(), path) {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		sum, err := fileSum(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		field("file", filepath.ToSlash(rel))
		field("sum", sum)
		return nil
	})
	if err != nil {
		return fmt.Errorf("hash sources: %w", err)
	}
	return nil
}

// skipped reports whether a directory below the module root cannot affect the
// build: VCS data, test fixtures, node_modules, hidden and "_" directories (the
// go tool ignores those too), and the build cache itself.
func skipped(name, path, cacheDir string) bool {
	switch {
	case name == ".git", name == "testdata", name == "node_modules":
		return true
	case strings.HasPrefix(name, "."), strings.HasPrefix(name, "_"):
		return true
	}
	return path == cacheDir
}

// fileSum returns the hex sha256 of a file's content.
func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
