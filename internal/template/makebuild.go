package template

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// buildMethodMakefile is SAM's BuildMethod for functions built by a
// Makefile in CodeUri: `make build-<LogicalId>` with ARTIFACTS_DIR set.
const buildMethodMakefile = "makefile"

// buildMakefile runs SAM's makefile build: the CodeUri directory is copied to
// a scratch directory (as `sam build` does, so the build cannot dirty the
// sources), and `make build-<Name>` runs there with ARTIFACTS_DIR pointing at
// the package directory. Results are cached by the sources' content and the
// function's name: tools outside CodeUri (compilers, runtimes) are not part of
// the key, so after upgrading one, delete the cache (~/.cache/coldstart/build).
func buildMakefile(ctx context.Context, fn Function, opts BuildOptions) (Package, error) {
	fail := func(err error) (Package, error) { return Package{}, fmt.Errorf("build %s: %w", fn.Name, err) }
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	if !isFile(filepath.Join(fn.CodeURI, "Makefile")) {
		return fail(fmt.Errorf("BuildMethod makefile needs a Makefile in %s with a build-%s target", fn.CodeURI, fn.Name))
	}
	if _, err := exec.LookPath("make"); err != nil {
		return fail(fmt.Errorf("BuildMethod makefile needs make on PATH: %w", err))
	}
	cacheDir, err := cacheDirOf(opts.CacheDir)
	if err != nil {
		return fail(err)
	}
	h := sha256.New()
	field := func(name, v string) { fmt.Fprintf(h, "%s %d %s\n", name, len(v), v) }
	field("key", "coldstart-makefile-build-1") // bump when the scheme changes
	field("function", fn.Name)
	field("runtime", fn.Runtime)
	field("arch", fn.Architecture)
	skip := func(name, path string) bool { return name == ".git" || path == cacheDir }
	if err := hashTree(field, fn.CodeURI, skip); err != nil {
		return fail(err)
	}
	key := hex.EncodeToString(h.Sum(nil))
	target := filepath.Join(cacheDir, key)
	if _, err := os.Stat(filepath.Join(target, complete)); err == nil {
		fmt.Fprintf(log, "using cached build of %s (%s)\n", fn.Name, fn.BuildMethod)
		return packageOf(fn, target, true)
	}

	fmt.Fprintf(log, "building %s (make build-%s)…\n", fn.Name, fn.Name)
	tmp, err := newBuildDir(cacheDir, key)
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	scratch, err := os.MkdirTemp("", "coldstart-build-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(scratch)
	if err := os.CopyFS(scratch, os.DirFS(fn.CodeURI)); err != nil {
		return fail(fmt.Errorf("copy %s to a scratch directory: %w", fn.CodeURI, err))
	}
	// The package is what ARTIFACTS_DIR holds, nothing else: the marker
	// goes beside it.
	artifacts := filepath.Join(tmp, "package")
	if err := os.Mkdir(artifacts, 0o755); err != nil {
		return fail(err)
	}
	cmd := exec.CommandContext(ctx, "make", "--no-print-directory", "build-"+fn.Name)
	cmd.Dir = scratch
	cmd.Env = append(os.Environ(), "ARTIFACTS_DIR="+artifacts)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("make build-%s in a copy of %s: %w\n%s", fn.Name, fn.CodeURI, err, bytes.TrimSpace(out)))
	}
	pkg, err := packageOf(fn, tmp, false)
	if err != nil {
		return pkg, err
	}
	if err := os.WriteFile(filepath.Join(tmp, complete), nil, 0o644); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, target); err != nil {
		if _, serr := os.Stat(filepath.Join(target, complete)); serr != nil {
			return fail(fmt.Errorf("cache: %w", err))
		}
		// Another process built the same inputs first; use its result.
	}
	return packageOf(fn, target, false)
}

// complete marks a finished makefile build in the cache.
const complete = ".complete"

// packageOf is the package a makefile build left in dir/package: for a
// provided runtime it must hold an executable bootstrap.
func packageOf(fn Function, dir string, cached bool) (Package, error) {
	pkg := Package{Dir: filepath.Join(dir, "package"), Cached: cached}
	if !IsManaged(fn.Runtime) {
		pkg.Bootstrap = filepath.Join(pkg.Dir, bootstrapName)
		info, err := os.Stat(pkg.Bootstrap)
		if err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
			return Package{}, fmt.Errorf("build %s: make build-%s left no executable bootstrap in $ARTIFACTS_DIR (%s needs one)", fn.Name, fn.Name, fn.Runtime)
		}
	} else if entries, err := os.ReadDir(pkg.Dir); err != nil || len(entries) == 0 {
		return Package{}, fmt.Errorf("build %s: make build-%s left $ARTIFACTS_DIR empty", fn.Name, fn.Name)
	}
	return measured(pkg, fn.Name)
}
