package template

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCacheKey(t *testing.T) {
	// module lays out a module root inside a "testdata" directory, as in the
	// package's own tests: skip rules must apply below the root only.
	module := func(t *testing.T) string {
		root := filepath.Join(t.TempDir(), "testdata", "mod")
		for name, content := range map[string]string{
			"go.mod":                  "module example.com/m\n",
			"main.go":                 "package main\n",
			"sub/b.go":                "package sub\n",
			"testdata/in.json":        "{}",
			".git/HEAD":               "ref: main",
			".idea/x.xml":             "<x/>",
			"_old/a.go":               "package old\n",
			"node_modules/m/index.js": "",
			"cache/abc/bootstrap":     "ELF",
		} {
			writeFile(t, root, name, content, 0o644)
		}
		return root
	}
	tests := []struct {
		name    string
		change  func(t *testing.T, root string)
		changed bool
	}{
		{"nothing", func(*testing.T, string) {}, false},
		{"edit a source file", func(t *testing.T, root string) { writeFile(t, root, "main.go", "package main // x\n", 0o644) }, true},
		{"edit go.mod", func(t *testing.T, root string) { writeFile(t, root, "go.mod", "module example.com/n\n", 0o644) }, true},
		{"add a file in a subdirectory", func(t *testing.T, root string) { writeFile(t, root, "sub/c.go", "package sub\n", 0o644) }, true},
		{"rename a file", func(t *testing.T, root string) {
			if err := os.Rename(filepath.Join(root, "sub/b.go"), filepath.Join(root, "sub/c.go")); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"edit testdata", func(t *testing.T, root string) { writeFile(t, root, "testdata/in.json", "[]", 0o644) }, false},
		{"edit .git", func(t *testing.T, root string) { writeFile(t, root, ".git/HEAD", "x", 0o644) }, false},
		{"edit a dot directory", func(t *testing.T, root string) { writeFile(t, root, ".idea/x.xml", "y", 0o644) }, false},
		{"edit an underscore directory", func(t *testing.T, root string) { writeFile(t, root, "_old/a.go", "x", 0o644) }, false},
		{"edit node_modules", func(t *testing.T, root string) { writeFile(t, root, "node_modules/m/index.js", "x", 0o644) }, false},
		{"edit the cache dir", func(t *testing.T, root string) { writeFile(t, root, "cache/def/bootstrap", "ELF2", 0o644) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := module(t)
			cache := filepath.Join(root, "cache")
			before, err := cacheKey("go1.26", ".", root, cache)
			if err != nil {
				t.Fatal(err)
			}
			tt.change(t, root)
			after, err := cacheKey("go1.26", ".", root, cache)
			if err != nil {
				t.Fatal(err)
			}
			if (before != after) != tt.changed {
				t.Errorf("key changed = %v, want %v", before != after, tt.changed)
			}
		})
	}

	t.Run("inputs other than files", func(t *testing.T) {
		root := module(t)
		base, _ := cacheKey("go1.26", ".", root, "")
		for _, other := range [][2]string{{"go1.25", "."}, {"go1.26", "./sub"}} {
			if k, _ := cacheKey(other[0], other[1], root, ""); k == base {
				t.Errorf("cacheKey(%q, %q) = key of (go1.26, .)", other[0], other[1])
			}
		}
	})
}
