package runtimes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Interpreter is an interpreter found on this machine.
type Interpreter struct {
	Path    string // absolute
	Version string // "20.20.2", "3.11.7", "17.0.15"
	Major   int    // 20, 3, 17
	Minor   int    // 20, 11, 0
}

func (i Interpreter) String() string { return i.Path + " (" + i.Version + ")" }

// program is the executable name each language looks for on PATH.
func program(r Runtime) string {
	switch r.Language {
	case Node:
		return "node"
	case Python:
		return "python" + r.Version() // the exact minor: python3.11
	default:
		return "java"
	}
}

// languageName is how messages name a language's interpreter.
func languageName(l Language) string {
	switch l {
	case Node:
		return "Node.js"
	case Python:
		return "Python"
	default:
		return "Java"
	}
}

// findInterpreter picks the interpreter for r: the configured path when
// there is one (by runtime id, then by language), else the best candidate on
// this machine: the exact version when present, else the oldest newer one.
// Python needs the exact minor version, as its packages are built for it.
func findInterpreter(ctx context.Context, r Runtime, configured map[string]string) (Interpreter, error) {
	override := configured[r.ID]
	if override == "" {
		override = configured[string(r.Language)]
	}
	if override != "" {
		return checkConfigured(ctx, r, override)
	}
	var found []Interpreter
	var shims []string
	for _, path := range candidates(r) {
		if isScript(path) {
			// A version manager's shim (pyenv, asdf…) is a shell script that
			// would add its own start-up to every Init Duration.
			shims = append(shims, path)
			continue
		}
		in, err := probe(ctx, r.Language, path)
		if err != nil {
			continue
		}
		found = append(found, in)
	}
	if in, ok := best(r, found); ok {
		return in, nil
	}
	fix := fmt.Sprintf("install %s %s (scripts/setup.sh does for the examples) or pass --runtime %s=/path/to/%s",
		languageName(r.Language), r.Version(), r.ID, program(r))
	switch {
	case len(found) > 0:
		var seen []string
		for _, in := range found {
			seen = append(seen, in.String())
		}
		return Interpreter{}, fmt.Errorf("runtime %s needs %s %s or newer; found only %s: %s",
			r.ID, languageName(r.Language), r.Version(), strings.Join(seen, ", "), fix)
	case len(shims) > 0:
		return Interpreter{}, fmt.Errorf("runtime %s: %s on PATH is a version manager's shim script (%s), whose own start-up would count as Init Duration; pass --runtime %s=/absolute/path/to/the/real/%s",
			r.ID, program(r), strings.Join(shims, ", "), r.ID, program(r))
	default:
		return Interpreter{}, fmt.Errorf("runtime %s: no %s interpreter (%s) found on PATH: %s", r.ID, languageName(r.Language), program(r), fix)
	}
}

// checkConfigured probes an interpreter the user named and checks its version.
func checkConfigured(ctx context.Context, r Runtime, path string) (Interpreter, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Interpreter{}, err
	}
	if _, err := os.Stat(abs); err != nil {
		return Interpreter{}, fmt.Errorf("runtime %s: interpreter %s: %w", r.ID, path, err)
	}
	in, err := probe(ctx, r.Language, abs)
	if err != nil {
		return Interpreter{}, fmt.Errorf("runtime %s: %s does not look like a %s interpreter: %w", r.ID, path, languageName(r.Language), err)
	}
	if !acceptable(r, in) {
		return Interpreter{}, fmt.Errorf("runtime %s needs %s %s; %s is %s", r.ID, languageName(r.Language), r.Version(), path, in.Version)
	}
	return in, nil
}

// acceptable: Python must match exactly; Node and Java may be newer.
func acceptable(r Runtime, in Interpreter) bool {
	if r.Language == Python {
		return in.Major == r.Major && in.Minor == r.Minor
	}
	return in.Major >= r.Major
}

// best prefers the exact major version, then the oldest newer one.
func best(r Runtime, found []Interpreter) (Interpreter, bool) {
	var ok []Interpreter
	for _, in := range found {
		if acceptable(r, in) {
			ok = append(ok, in)
		}
	}
	if len(ok) == 0 {
		return Interpreter{}, false
	}
	slices.SortStableFunc(ok, func(a, b Interpreter) int { return a.Major - b.Major })
	return ok[0], true
}

// candidates lists the paths that may hold r's interpreter, in preference
// order, without duplicates: PATH first, then where JDKs usually live.
func candidates(r Runtime) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if p == "" {
			return
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil || seen[real] {
			return
		}
		if info, err := os.Stat(real); err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
			return
		}
		seen[real] = true
		out = append(out, p)
	}
	name := program(r)
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir != "" && filepath.IsAbs(dir) {
			add(filepath.Join(dir, name))
		}
	}
	if r.Language == Java {
		if home := os.Getenv("JAVA_HOME"); home != "" {
			add(filepath.Join(home, "bin", "java"))
		}
		homes, _ := filepath.Glob("/usr/lib/jvm/*/bin/java")
		slices.Sort(homes)
		for _, h := range homes {
			add(h)
		}
	}
	return out
}

// isScript reports whether path (through symlinks) starts with "#!".
func isScript(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var head [2]byte
	n, _ := io.ReadFull(f, head[:])
	return n == 2 && head == [2]byte{'#', '!'}
}

// probed caches versions by path and modification time: asking a JVM its
// version costs tens of milliseconds.
var probed sync.Map // probeKey → Interpreter

type probeKey struct {
	path  string
	mtime time.Time
}

var versionRE = regexp.MustCompile(`(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[._+-]\S*)?`)

// probe runs the interpreter to learn its version.
func probe(ctx context.Context, l Language, path string) (Interpreter, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Interpreter{}, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return Interpreter{}, err
	}
	key := probeKey{abs, info.ModTime()}
	if in, ok := probed.Load(key); ok {
		return in.(Interpreter), nil
	}
	var args []string
	switch l {
	case Node:
		args = []string{"--version"} // v20.20.2
	case Python:
		args = []string{"-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"}
	default:
		args = []string{"-version"} // openjdk version "17.0.15" 2025-04-15 (stderr)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, abs, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return Interpreter{}, fmt.Errorf("%s %s: %w: %s", abs, strings.Join(args, " "), err, firstLine(out.String()))
	}
	in, err := parseVersion(l, out.String())
	if err != nil {
		return Interpreter{}, fmt.Errorf("%s: %w", abs, err)
	}
	in.Path = abs
	probed.Store(key, in)
	return in, nil
}

// parseVersion reads the version an interpreter printed.
func parseVersion(l Language, out string) (Interpreter, error) {
	text := strings.TrimSpace(out)
	if l == Java {
		// `java -version` quotes it: version "17.0.15", or "1.8.0_392" for Java 8.
		i := strings.Index(text, `version "`)
		if i < 0 {
			return Interpreter{}, fmt.Errorf("no version in %q", firstLine(text))
		}
		text = text[i+len(`version "`):]
		text = text[:max(strings.IndexByte(text, '"'), 0)]
	}
	text = strings.TrimPrefix(firstLine(text), "v")
	m := versionRE.FindStringSubmatch(text)
	if m == nil {
		return Interpreter{}, fmt.Errorf("no version in %q", text)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	if l == Java && major == 1 { // 1.8.0 is Java 8
		major, minor = minor, 0
	}
	if major == 0 {
		return Interpreter{}, errors.New("version 0")
	}
	return Interpreter{Version: m[0], Major: major, Minor: minor}, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
