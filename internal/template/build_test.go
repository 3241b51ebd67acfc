package template

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needGo skips tests that run the go tool when it is not installed.
func needGo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not in PATH")
	}
}

// copyDir copies the regular files of src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		writeFile(t, dst, rel, string(data), 0o644)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBuildGo(t *testing.T) {
	needGo(t)
	code, err := filepath.Abs("testdata/gomod/hello")
	if err != nil {
		t.Fatal(err)
	}
	fn := Function{Name: "Hello", CodeURI: code, BuildMethod: "go1.x", Architecture: "arm64"}
	cache := t.TempDir()
	var log bytes.Buffer
	opts := BuildOptions{CacheDir: cache, Log: &log}

	pkg, err := Build(context.Background(), fn, opts)
	if err != nil {
		t.Fatal(err)
	}
	if pkg.Cached {
		t.Error("first build is Cached")
	}
	if got := log.String(); got != "building Hello (go1.x)…\n" {
		t.Errorf("log = %q", got)
	}
	if filepath.Dir(pkg.Dir) != cache || pkg.Bootstrap != filepath.Join(pkg.Dir, "bootstrap") {
		t.Errorf("package = %+v, want <cache>/<key>/bootstrap", pkg)
	}
	info, err := os.Stat(pkg.Bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&0o111 == 0 {
		t.Errorf("bootstrap mode %v is not executable", info.Mode())
	}
	if pkg.Files != 1 || pkg.Size != info.Size() {
		t.Errorf("Files, Size = %d, %d; want 1, %d", pkg.Files, pkg.Size, info.Size())
	}
	assertStatic(t, pkg.Bootstrap)
	// Architecture is a label: the binary is for the host, so it runs here.
	out, err := exec.Command(pkg.Bootstrap).Output()
	if err != nil || string(out) != "hello from bootstrap\n" {
		t.Errorf("running bootstrap: %q, %v", out, err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(cache, ".tmp-*")); len(leftovers) > 0 {
		t.Errorf("temporary build dirs left behind: %v", leftovers)
	}

	log.Reset()
	again, err := Build(context.Background(), fn, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || again.Dir != pkg.Dir || again.Size != pkg.Size {
		t.Errorf("second build = %+v, want cached %+v", again, pkg)
	}
	if got := log.String(); got != "using cached build of Hello (go1.x)\n" {
		t.Errorf("log = %q", got)
	}
}

// assertStatic fails unless path is an ELF executable without an
// interpreter, i.e. it runs with no dynamic loader (as on provided.al2023).
func assertStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has PT_INTERP: not statically linked", path)
		}
	}
	if f.Type != elf.ET_EXEC {
		t.Errorf("%s ELF type %v, want ET_EXEC", path, f.Type)
	}
}

func TestBuildGoSourceChange(t *testing.T) {
	needGo(t)
	mod := t.TempDir()
	copyDir(t, "testdata/gomod", mod)
	fn := Function{Name: "Hello", CodeURI: filepath.Join(mod, "hello"), BuildMethod: "go1.x"}
	opts := BuildOptions{CacheDir: filepath.Join(mod, ".cache")} // inside the module: must not feed the key

	first, err := Build(context.Background(), fn, opts)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, mod, "hello/main.go", "package main\n\nfunc main() { println(\"changed\") }\n", 0o644)
	changed, err := Build(context.Background(), fn, opts)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Cached || changed.Dir == first.Dir {
		t.Errorf("after a source change: %+v, want a new uncached build (first %s)", changed, first.Dir)
	}
	again, err := Build(context.Background(), fn, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || again.Dir != changed.Dir {
		t.Errorf("rebuild without changes = %+v, want cached %s", again, changed.Dir)
	}
}

func TestBuildGoFailure(t *testing.T) {
	needGo(t)
	mod := t.TempDir()
	writeFile(t, mod, "go.mod", "module example.com/broken\n\ngo 1.22\n", 0o644)
	writeFile(t, mod, "cmd/fn/main.go", "package main\n\nfunc main() { undefinedThing() }\n", 0o644)
	writeFile(t, mod, "lib/lib.go", "package lib\n", 0o644)
	cache := t.TempDir()
	tests := []struct {
		name, code, want string
	}{
		{"compile error", "cmd/fn", "undefined: undefinedThing"},
		{"not a main package", "lib", "go build ./lib wrote no binary (is it package main?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := Function{Name: "Broken", CodeURI: filepath.Join(mod, tt.code), BuildMethod: "go1.x"}
			_, err := Build(context.Background(), fn, BuildOptions{CacheDir: cache})
			if err == nil || !strings.HasPrefix(err.Error(), "build Broken: ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want build Broken: …%s…", err, tt.want)
			}
			if entries, _ := os.ReadDir(cache); len(entries) > 0 {
				t.Errorf("failed build left %d entries in the cache", len(entries))
			}
		})
	}
}

func TestBuildPrebuilt(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bootstrap", "#!/bin/sh\necho hi\n", 0o755)
	writeFile(t, dir, "lib/data.txt", "12345", 0o644)
	if err := os.Symlink("bootstrap", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	pkg, err := Build(context.Background(), Function{Name: "Script", CodeURI: dir}, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := Package{Dir: dir, Bootstrap: filepath.Join(dir, "bootstrap"), Size: int64(len("#!/bin/sh\necho hi\n") + 5), Files: 2}
	if pkg != want {
		t.Errorf("package = %+v, want %+v", pkg, want)
	}
}

func TestBuildErrors(t *testing.T) {
	noGoMod := t.TempDir() // assumes no go.mod above the temp dir
	writeFile(t, noGoMod, "main.go", "package main\n", 0o644)
	notExec := t.TempDir()
	writeFile(t, notExec, "bootstrap", "#!/bin/sh\n", 0o644)
	bootDir := t.TempDir()
	if err := os.Mkdir(filepath.Join(bootDir, "bootstrap"), 0o755); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	tests := []struct {
		name string
		fn   Function
		want string
	}{
		{"missing bootstrap", Function{Name: "F", CodeURI: empty},
			"build F: no bootstrap in " + empty + ": add `Metadata: BuildMethod: go1.x` to build it from Go source, or put an executable bootstrap there"},
		{"bootstrap not executable", Function{Name: "F", CodeURI: notExec},
			"build F: " + notExec + "/bootstrap is not executable: run chmod +x on it, or add `Metadata: BuildMethod: go1.x` to build it from Go source, or put an executable bootstrap there"},
		{"bootstrap is a directory", Function{Name: "F", CodeURI: bootDir},
			"build F: " + bootDir + "/bootstrap is not a regular file: add `Metadata: BuildMethod: go1.x` to build it from Go source, or put an executable bootstrap there"},
		{"unsupported build method", Function{Name: "F", CodeURI: empty, BuildMethod: "dotnet7"},
			`build F: build method "dotnet7" is not supported; use go1.x or makefile`},
		{"makefile without Makefile", Function{Name: "F", CodeURI: empty, BuildMethod: "makefile"},
			"build F: BuildMethod makefile needs a Makefile in " + empty + " with a build-F target"},
		{"no CodeURI", Function{Name: "F"}, "build F: no CodeURI"},
		{"no go.mod", Function{Name: "F", CodeURI: noGoMod, BuildMethod: "go1.x"},
			"build F: no go.mod at or above " + noGoMod + ": BuildMethod go1.x needs a Go module"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(context.Background(), tt.fn, BuildOptions{CacheDir: t.TempDir()})
			if err == nil || err.Error() != tt.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestBuildCanceled(t *testing.T) {
	needGo(t)
	code, _ := filepath.Abs("testdata/gomod/hello")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Build(ctx, Function{Name: "Hello", CodeURI: code, BuildMethod: "go1.x"}, BuildOptions{CacheDir: t.TempDir()})
	if err == nil {
		t.Error("Build with a canceled context succeeded")
	}
}

// SAM's makefile build: `make build-<Name>` in a copy of CodeUri with
// ARTIFACTS_DIR set; cached by the sources; the sources stay clean.
func TestBuildMakefile(t *testing.T) {
	src := t.TempDir()
	writeFile(t, src, "Makefile", "build-Fn:\n\techo built >> built.log\n\tprintf '#!/bin/sh\\necho hi\\n' > $(ARTIFACTS_DIR)/bootstrap\n\tchmod +x $(ARTIFACTS_DIR)/bootstrap\n\tcp data.txt $(ARTIFACTS_DIR)/\n", 0o644)
	writeFile(t, src, "data.txt", "12345", 0o644)
	fn := Function{Name: "Fn", Runtime: "provided.al2023", CodeURI: src, BuildMethod: "makefile"}
	cache := t.TempDir()
	pkg, err := Build(context.Background(), fn, BuildOptions{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if pkg.Cached || pkg.Files != 2 || pkg.Bootstrap != filepath.Join(pkg.Dir, "bootstrap") {
		t.Errorf("first build: %+v", pkg)
	}
	if _, err := os.Stat(filepath.Join(src, "built.log")); err == nil {
		t.Error("the build wrote into the source directory")
	}
	again, err := Build(context.Background(), fn, BuildOptions{CacheDir: cache})
	if err != nil || !again.Cached || again.Dir != pkg.Dir {
		t.Errorf("second build: %+v, %v; want the cached %s", again, err, pkg.Dir)
	}
	writeFile(t, src, "data.txt", "changed", 0o644)
	changed, err := Build(context.Background(), fn, BuildOptions{CacheDir: cache})
	if err != nil || changed.Cached || changed.Dir == pkg.Dir {
		t.Errorf("after a source change: %+v, %v; want a new build", changed, err)
	}

	// A provided runtime's package must have a bootstrap; make's output is in the error.
	writeFile(t, src, "Makefile", "build-Fn:\n\t@echo compiling\n\ttrue\n", 0o644)
	_, err = Build(context.Background(), fn, BuildOptions{CacheDir: cache})
	if err == nil || !strings.Contains(err.Error(), "make build-Fn left no executable bootstrap in $ARTIFACTS_DIR") {
		t.Errorf("no bootstrap: %v", err)
	}
	writeFile(t, src, "Makefile", "build-Fn:\n\t@echo cannot compile >&2; exit 3\n", 0o644)
	_, err = Build(context.Background(), fn, BuildOptions{CacheDir: cache})
	if err == nil || !strings.Contains(err.Error(), "cannot compile") {
		t.Errorf("failing make: %v", err)
	}
}
