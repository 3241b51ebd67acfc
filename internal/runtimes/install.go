package runtimes

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// clients holds each language's runtime interface client, as source.
//
//go:embed node python java
var clients embed.FS

// complete marks a finished installation: a directory without it was left
// by a process that died while installing and is redone.
const complete = ".complete"

// javaClasses is where the Java client's compiled classes go in its directory.
const javaClasses = "classes"

var installMu sync.Mutex // one installation at a time within a process

// install puts l's client into cacheDir/<language>-<hash of its sources>
// (compiling the Java one with javac) and returns that directory. An
// unchanged client is installed once per machine; concurrent processes
// each build in a temporary directory and the first rename wins.
func install(ctx context.Context, l Language, cacheDir, javac string) (string, error) {
	installMu.Lock()
	defer installMu.Unlock()
	sum, err := sourceHash(string(l2dir(l)))
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cacheDir, string(l)+"-"+sum)
	if _, err := os.Stat(filepath.Join(dir, complete)); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("runtime client cache: %w", err)
	}
	tmp, err := os.MkdirTemp(cacheDir, ".install-")
	if err != nil {
		return "", fmt.Errorf("runtime client cache: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := extract(l2dir(l), tmp); err != nil {
		return "", err
	}
	if l == Java {
		if err := compileJava(ctx, javac, tmp); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, complete), nil, 0o644); err != nil {
		return "", err
	}
	_ = os.RemoveAll(dir) // an incomplete earlier attempt
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, complete)); serr == nil {
			return dir, nil // another process won the race
		}
		return "", fmt.Errorf("install runtime client: %w", err)
	}
	return dir, nil
}

// l2dir is the embedded directory of a language's client.
func l2dir(l Language) string {
	switch l {
	case Node:
		return "node"
	case Python:
		return "python"
	default:
		return "java"
	}
}

// sourceHash identifies a client's sources (paths and bytes).
func sourceHash(root string) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(clients, root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := clients.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("runtime client %s: %w", root, err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// extract copies the embedded tree root into dir.
func extract(root, dir string) error {
	return fs.WalkDir(clients, root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		target := filepath.Join(dir, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := clients.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// compileJava compiles every .java file under dir into dir/classes for the
// Java 11 platform, so the classes run on any JVM from 11 on.
func compileJava(ctx context.Context, javac, dir string) error {
	if javac == "" {
		return errors.New("the Java runtime client is compiled once with javac, and no javac (JDK) was found next to java or on PATH: install a JDK (e.g. Debian's openjdk-17-jdk-headless)")
	}
	var sources []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".java") {
			sources = append(sources, path)
		}
		return err
	})
	if err != nil {
		return err
	}
	args := append([]string{"--release", "11", "-nowarn", "-encoding", "UTF-8", "-d", filepath.Join(dir, javaClasses)}, sources...)
	out, err := exec.CommandContext(ctx, javac, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("compile the Java runtime client with %s: %w\n%s", javac, err, out)
	}
	return nil
}
