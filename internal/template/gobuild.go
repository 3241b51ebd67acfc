package template

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// goBuildFlags are the flags of every Go build; they are part of the cache
// key. -buildvcs=false because VCS state is not in the key (and stamping fails
// without git or in a repository owned by another user).
var goBuildFlags = []string{"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags=-s -w"}

// goEnvKeys are the `go env` values that change the binary beyond the sources;
// their output is part of the cache key.
var goEnvKeys = []string{"GOVERSION", "GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM64"}

// buildGo compiles fn's package into <cache>/<key>/bootstrap, reusing it when
// the key already exists.
func buildGo(ctx context.Context, fn Function, opts BuildOptions) (Package, error) {
	fail := func(err error) (Package, error) { return Package{}, fmt.Errorf("build %s: %w", fn.Name, err) }
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	goBin := opts.GoBin
	if goBin == "" {
		goBin = "go"
	}
	cacheDir, err := cacheDirOf(opts.CacheDir)
	if err != nil {
		return fail(err)
	}
	modRoot, err := moduleRoot(fn.CodeURI)
	if err != nil {
		return fail(err)
	}
	pkgPath := packagePath(modRoot, fn.CodeURI)
	env := buildEnv()

	goEnv := exec.CommandContext(ctx, goBin, append([]string{"env"}, goEnvKeys...)...)
	goEnv.Dir, goEnv.Env = modRoot, env
	toolchain, err := goEnv.Output()
	if err != nil {
		return fail(fmt.Errorf("go env: %w%s", err, stderrOf(err)))
	}
	key, err := cacheKey(string(toolchain), pkgPath, modRoot, cacheDir)
	if err != nil {
		return fail(err)
	}
	target := filepath.Join(cacheDir, key)
	bin := filepath.Join(target, bootstrapName)
	if isFile(bin) {
		fmt.Fprintf(log, "using cached build of %s (%s)\n", fn.Name, fn.BuildMethod)
		return measured(Package{Dir: target, Bootstrap: bin, Cached: true}, fn.Name)
	}

	fmt.Fprintf(log, "building %s (%s)…\n", fn.Name, fn.BuildMethod)
	tmp, err := newBuildDir(cacheDir, key)
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	args := append([]string{"build"}, goBuildFlags...)
	args = append(args, "-o", filepath.Join(tmp, bootstrapName), pkgPath)
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir, cmd.Env = modRoot, env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("go build %s: %w\n%s", pkgPath, err, bytes.TrimSpace(out)))
	}
	// For a non-main package go build -o writes an archive, not a program.
	if info, err := os.Stat(filepath.Join(tmp, bootstrapName)); err != nil || info.Mode().Perm()&0o111 == 0 {
		return fail(fmt.Errorf("go build %s wrote no binary (is it package main?)", pkgPath))
	}
	if err := os.Rename(tmp, target); err != nil && !isFile(bin) {
		return fail(fmt.Errorf("cache: %w", err))
	}
	// When the rename failed another process won the race with the same
	// inputs; its binary is as good as ours.
	return measured(Package{Dir: target, Bootstrap: bin}, fn.Name)
}

// newBuildDir makes the directory a build of key writes into. It is beside
// the target so the final rename is atomic (same file system): readers see
// either no directory or a complete one.
func newBuildDir(cacheDir, key string) (string, error) {
	tmp, err := os.MkdirTemp(cacheDir, ".tmp-"+key[:12]+"-")
	if err != nil {
		return "", fmt.Errorf("cache: %w", err)
	}
	// MkdirTemp makes 0700; the sandbox may run the function as another user.
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("cache: %w", err)
	}
	return tmp, nil
}

// buildEnv is the inherited environment plus what makes a static Linux
// binary for the host. Later entries win in os/exec.
func buildEnv() []string {
	return append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
}

// cacheDirOf returns the absolute cache directory, creating it.
func cacheDirOf(dir string) (string, error) {
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("cache dir: %w", err)
		}
		dir = filepath.Join(base, "coldstart", "build")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("cache dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("cache dir: %w", err)
	}
	return dir, nil
}

// moduleRoot returns the nearest directory at or above dir holding go.mod.
func moduleRoot(dir string) (string, error) {
	for d := dir; ; {
		if isFile(filepath.Join(d, "go.mod")) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod at or above %s: BuildMethod go1.x needs a Go module", dir)
		}
		d = parent
	}
}

// packagePath is dir as a `go build` argument relative to the module root.
func packagePath(modRoot, dir string) string {
	rel, err := filepath.Rel(modRoot, dir)
	if err != nil || rel == "." {
		return "."
	}
	return "./" + filepath.ToSlash(rel)
}

// isFile reports whether path is a regular file (following symlinks).
func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

// stderrOf returns the stderr an *exec.ExitError captured, for messages.
func stderrOf(err error) string {
	if ee, ok := errors.AsType[*exec.ExitError](err); ok && len(ee.Stderr) > 0 {
		return "\n" + string(bytes.TrimSpace(ee.Stderr))
	}
	return ""
}
