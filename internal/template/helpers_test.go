package template

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// codeDir makes a temp directory with the code directories templates in tests
// refer to ("fn" and "other") and returns it.
func codeDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"fn", "other"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lineContaining returns the 1-based line of the first line of text that
// contains marker, so expectations do not hard-code line numbers.
func lineContaining(t *testing.T, text, marker string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("marker %q not in template", marker)
	return 0
}

// writeFile writes content to dir/name (creating parents) with mode perm.
func writeFile(t testing.TB, dir, name, content string, perm os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	return path
}

// lambdaReservedMsg is Lambda's wording for reserved keys (lambda-spec.md §2).
const lambdaReservedMsg = "Lambda was unable to configure your environment variables because the environment variables " +
	"you have provided contains reserved keys that are currently not supported for modification. " +
	"Reserved keys used in this request: "
