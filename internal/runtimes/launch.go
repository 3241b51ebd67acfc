package runtimes

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// Options configures Prepare.
type Options struct {
	// Interpreters maps a runtime id ("nodejs20.x") or a language ("nodejs",
	// "python", "java") to the interpreter to use; the id wins.
	Interpreters map[string]string
	// CacheDir holds installed clients; default os.UserCacheDir()/coldstart/runtimes.
	CacheDir string
}

// Launch is how to start one managed runtime's process.
type Launch struct {
	Runtime     Runtime
	Interpreter Interpreter
	// Dir is LAMBDA_RUNTIME_DIR, the installed client.
	Dir string
	// Env holds the variables Lambda's bootstrap sets for this runtime
	// (NODE_PATH, PYTHONPATH); a function's own variables override them.
	Env map[string]string

	entry []string // the client's arguments after the interpreter's flags
}

// Prepare finds the interpreter for runtime id, installs its client and
// returns how to start it for a function whose code is in taskRoot.
func Prepare(ctx context.Context, id, taskRoot string, o Options) (*Launch, error) {
	r, ok := Lookup(id)
	if !ok {
		return nil, fmt.Errorf("%s", Unsupported(id))
	}
	in, err := findInterpreter(ctx, r, o.Interpreters)
	if err != nil {
		return nil, err
	}
	cache := o.CacheDir
	if cache == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("runtime client cache: %w (set XDG_CACHE_HOME)", err)
		}
		cache = filepath.Join(base, "coldstart", "runtimes")
	}
	javac := ""
	if r.Language == Java {
		javac = findJavac(in.Path)
	}
	dir, err := install(ctx, r.Language, cache, javac)
	if err != nil {
		return nil, fmt.Errorf("runtime %s: %w", id, err)
	}
	l := &Launch{Runtime: r, Interpreter: in, Dir: dir, Env: map[string]string{}}
	switch r.Language {
	case Node:
		// Lambda's NODE_PATH, without the layer directories under /opt.
		l.Env["NODE_PATH"] = filepath.Join(dir, "node_modules") + ":" + dir + ":" + taskRoot
		l.entry = []string{filepath.Join(dir, "index.mjs")}
	case Python:
		if err := precompilePython(ctx, in, dir); err != nil {
			return nil, fmt.Errorf("runtime %s: %w", id, err)
		}
		l.Env["PYTHONPATH"] = dir
		// Lambda's task root is read-only, so Python compiles the function's
		// modules on every cold start and caches nothing beside them; here
		// the code directory is writable, and a __pycache__ written on the
		// first start would make later cold starts faster than Lambda's.
		l.Env["PYTHONDONTWRITEBYTECODE"] = "1"
		l.entry = []string{filepath.Join(dir, "bootstrap.py")}
	case Java:
		l.entry = []string{"-classpath", filepath.Join(dir, javaClasses), javaMain}
	}
	return l, nil
}

// javaMain is the Java client's entry point.
const javaMain = "io.github.coldstartlab.runtime.Main"

// Command is the runtime process's argv for an environment of memoryMB,
// with the flags Lambda's bootstraps use.
func (l *Launch) Command(memoryMB int) []string {
	argv := []string{l.Interpreter.Path}
	switch l.Runtime.Language {
	case Node:
		// Lambda's Node bootstrap: a tenth of the memory for the young
		// generation (two semi-spaces), the rest for the old one.
		semi := memoryMB / 10 / 2
		old := memoryMB - memoryMB/10
		argv = append(argv, "--expose-gc", "--max-http-header-size=81920",
			"--max-semi-space-size="+strconv.Itoa(semi), "--max-old-space-size="+strconv.Itoa(old))
	case Java:
		// Lambda's Java bootstrap (java17, 2024): heap 85% of memory, the
		// serial collector, C1 only (TieredStopAtLevel=1) for faster starts,
		// class data sharing when the JDK has an archive.
		heapKB := (memoryMB*1024*85 + 50) / 100 // rounded: 445645k at 512 MB, as observed
		argv = append(argv, "-XX:MaxHeapSize="+strconv.Itoa(heapKB)+"k", "-XX:+UseSerialGC", "-Xshare:auto",
			"-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "--add-opens=java.base/java.io=ALL-UNNAMED",
			"-Djava.net.preferIPv4Stack=true", "-XX:+ErrorFileToStderr")
	}
	return append(argv, l.entry...)
}

// Describe names what runs, e.g. "nodejs20.x on /usr/bin/node 20.20.2".
func (l *Launch) Describe() string {
	return l.Runtime.ID + " on " + l.Interpreter.Path + " " + l.Interpreter.Version
}

// findJavac returns the javac beside java (same JDK), else one on PATH.
func findJavac(java string) string {
	if real, err := filepath.EvalSymlinks(java); err == nil {
		c := filepath.Join(filepath.Dir(real), "javac")
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	if c, err := exec.LookPath("javac"); err == nil {
		return c
	}
	return ""
}

// pythonClient is the Python client's module, imported by bootstrap.py.
const pythonClient = "coldstart_runtime_client"

// precompilePython compiles the Python client to bytecode for interpreter
// in, once: AWS's runtime ships its client precompiled, and since the
// runtime runs with PYTHONDONTWRITEBYTECODE nothing else would. The cached
// file's name is CPython's (importlib.util.cache_from_source), so that an
// unchanged client costs a stat, not an interpreter start.
func precompilePython(ctx context.Context, in Interpreter, dir string) error {
	src := filepath.Join(dir, pythonClient+".py")
	pyc := filepath.Join(dir, "__pycache__", fmt.Sprintf("%s.cpython-%d%d.pyc", pythonClient, in.Major, in.Minor))
	if _, err := os.Stat(pyc); err == nil {
		return nil
	}
	if out, err := exec.CommandContext(ctx, in.Path, "-m", "py_compile", src).CombinedOutput(); err != nil {
		return fmt.Errorf("compile the Python runtime client with %s: %w\n%s", in.Path, err, out)
	}
	return nil
}
