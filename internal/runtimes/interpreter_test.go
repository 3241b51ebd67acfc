package runtimes

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		l            Language
		out          string
		major, minor int
	}{
		{Node, "v20.20.2\n", 20, 20},
		{Python, "3.11.7\n", 3, 11},
		{Java, "openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime Environment", 17, 0},
		{Java, "openjdk version \"25\" 2025-09-16", 25, 0},
		{Java, "java version \"1.8.0_392\"", 8, 0},
	} {
		in, err := parseVersion(tc.l, tc.out)
		if err != nil || in.Major != tc.major || in.Minor != tc.minor {
			t.Errorf("parseVersion(%s, %q) = %+v, %v; want %d.%d", tc.l, tc.out, in, err, tc.major, tc.minor)
		}
	}
	if _, err := parseVersion(Java, "Error: could not open jvm.cfg"); err == nil {
		t.Error("want an error for output without a version")
	}
}

// A missing interpreter, a too-old one and a version manager's shim each get
// an error that says what to do.
func TestFindInterpreterErrors(t *testing.T) {
	python311 := "/usr/bin/python3.11"
	if _, err := os.Stat(python311); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs %s (scripts/setup.sh installs it): %v", python311, err)
		}
		t.Skip(err)
	}
	ctx := context.Background()
	r312, _ := Lookup("python3.12")
	r311, _ := Lookup("python3.11")

	_, err := findInterpreter(ctx, r312, map[string]string{"python": python311})
	wantErr(t, err, "runtime python3.12 needs Python 3.12; /usr/bin/python3.11 is 3.11")

	_, err = findInterpreter(ctx, r311, map[string]string{"python3.11": "/nonexistent/python3"})
	wantErr(t, err, "runtime python3.11: interpreter /nonexistent/python3:")

	empty := t.TempDir()
	t.Setenv("PATH", empty)
	_, err = findInterpreter(ctx, r311, nil)
	wantErr(t, err, "runtime python3.11: no Python interpreter (python3.11) found on PATH: install Python 3.11")

	shim := filepath.Join(empty, "python3.11")
	if err := os.WriteFile(shim, []byte("#!/bin/sh\nexec /usr/bin/python3.11 \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = findInterpreter(ctx, r311, nil)
	wantErr(t, err, "is a version manager's shim script ("+shim+")")

	// The real interpreter beside the shim is found through a symlink.
	real := t.TempDir()
	if err := os.Symlink(python311, filepath.Join(real, "python3.11")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", empty+":"+real)
	in, err := findInterpreter(ctx, r311, nil)
	if err != nil || in.Major != 3 || in.Minor != 11 {
		t.Errorf("behind a shim: %+v, %v", in, err)
	}
}

func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to contain %q", err, want)
	}
}

// The flags Lambda's own bootstraps derive from the memory size.
func TestCommandFlags(t *testing.T) {
	node := &Launch{Runtime: Runtime{Language: Node}, Interpreter: Interpreter{Path: "/usr/bin/node"}, entry: []string{"index.mjs"}}
	got := node.Command(512)
	for _, want := range []string{"--max-semi-space-size=25", "--max-old-space-size=461", "index.mjs"} {
		if !slices.Contains(got, want) {
			t.Errorf("node argv %q lacks %s", got, want)
		}
	}
	java := &Launch{Runtime: Runtime{Language: Java}, Interpreter: Interpreter{Path: "/usr/bin/java"}}
	// 85% of 512 MB, as Lambda's java17 sets it (observed 445645k).
	if got := java.Command(512); !slices.Contains(got, "-XX:MaxHeapSize=445645k") || got[0] != "/usr/bin/java" {
		t.Errorf("java argv %q", got)
	}
}

func TestCheckOverride(t *testing.T) {
	for _, ok := range []string{"nodejs20.x", "python3.11", "java17", "nodejs", "python", "java"} {
		if err := CheckOverride(ok, "/x"); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	if err := CheckOverride("dotnet8", "/x"); err == nil {
		t.Error("dotnet8 accepted")
	}
	if err := CheckOverride("python", ""); err == nil {
		t.Error("empty path accepted")
	}
}
