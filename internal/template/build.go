package template

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// bootstrapName is the executable a provided runtime starts (lambda-spec.md §2:
// _HANDLER is only passed along; the runtime is always ./bootstrap).
const bootstrapName = "bootstrap"

// buildMethodGo is SAM's BuildMethod for Go functions.
const buildMethodGo = "go1.x"

// Package is what the platform runs: a code directory and, for provided
// runtimes, the executable `bootstrap` in it that is the runtime.
type Package struct {
	Dir       string // absolute directory (LAMBDA_TASK_ROOT)
	Bootstrap string // absolute path of the executable to start; "" for managed runtimes
	Size      int64  // total bytes of regular files in Dir
	Files     int    // number of regular files in Dir
	Cached    bool   // true when Build reused a cached build
}

// BuildOptions configures Build.
type BuildOptions struct {
	CacheDir string    // default: os.UserCacheDir()/coldstart/build
	Log      io.Writer // progress lines ("building Uppercase (go1.x)…"); nil = silent
	GoBin    string    // default "go" from PATH
}

// Build returns the package to run for fn. With BuildMethod go1.x it compiles
// the Go main package in CodeURI into a static Linux bootstrap for the host
// architecture (Architecture is only a label: the host runs what it can),
// cached by a hash of the module's sources and toolchain so an unchanged
// function is never rebuilt. With `BuildMethod: makefile` (any runtime) it
// runs SAM's `make build-<Name>` into ARTIFACTS_DIR (see buildMakefile).
// Without a BuildMethod, CodeURI is used in place:
// for a provided runtime it must hold an executable bootstrap; for a managed
// runtime it holds the handler's code (sources, or classes and jars).
func Build(ctx context.Context, fn Function, opts BuildOptions) (Package, error) {
	if fn.CodeURI == "" {
		return Package{}, fmt.Errorf("build %s: no CodeURI", fn.Name)
	}
	switch {
	case fn.BuildMethod == buildMethodMakefile:
		return buildMakefile(ctx, fn, opts)
	case IsManaged(fn.Runtime) && fn.BuildMethod == "":
		return measured(Package{Dir: fn.CodeURI}, fn.Name)
	case IsManaged(fn.Runtime):
		return Package{}, fmt.Errorf("build %s: build method %q is not supported for %s; use makefile (a Makefile with a build-%s target), or build the code yourself and point CodeUri at the result", fn.Name, fn.BuildMethod, fn.Runtime, fn.Name)
	case fn.BuildMethod == "":
		return prebuilt(fn)
	case fn.BuildMethod == buildMethodGo:
		return buildGo(ctx, fn, opts)
	default:
		return Package{}, fmt.Errorf("build %s: build method %q is not supported; use go1.x or makefile", fn.Name, fn.BuildMethod)
	}
}

// prebuilt checks that CodeURI holds an executable bootstrap.
func prebuilt(fn Function) (Package, error) {
	const fix = "add `Metadata: BuildMethod: go1.x` to build it from Go source, or put an executable bootstrap there"
	bin := filepath.Join(fn.CodeURI, bootstrapName)
	info, err := os.Stat(bin)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Package{}, fmt.Errorf("build %s: no bootstrap in %s: %s", fn.Name, fn.CodeURI, fix)
	case err != nil:
		return Package{}, fmt.Errorf("build %s: %w", fn.Name, err)
	case !info.Mode().IsRegular():
		return Package{}, fmt.Errorf("build %s: %s is not a regular file: %s", fn.Name, bin, fix)
	case info.Mode().Perm()&0o111 == 0:
		return Package{}, fmt.Errorf("build %s: %s is not executable: run chmod +x on it, or %s", fn.Name, bin, fix)
	}
	return measured(Package{Dir: fn.CodeURI, Bootstrap: bin}, fn.Name)
}

// measured fills in pkg's Size and Files.
func measured(pkg Package, name string) (Package, error) {
	err := filepath.WalkDir(pkg.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		pkg.Size += info.Size()
		pkg.Files++
		return nil
	})
	if err != nil {
		return Package{}, fmt.Errorf("build %s: measure package: %w", name, err)
	}
	return pkg, nil
}
