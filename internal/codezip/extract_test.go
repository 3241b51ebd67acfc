package codezip

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExtractGoodPackage(t *testing.T) {
	data := buildZip(t,
		exe("bootstrap", "#!/bin/sh\necho hi\n"),
		dirent("lib/"),
		file("lib/a/b.txt", "nested"),
		dirent("empty/"),
		link("lib/current", "a/b.txt"),
		file("node_modules/pkg/cli.js", "console.log(1)"),
		link("node_modules/.bin/cli", "../pkg/cli.js"),
		link("root", "."),
		file("a/../flat.txt", "cleaned"),
	)
	parent, dir := taskDir(t)
	info, err := Extract(data, dir)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	want := Info{
		CodeSize:   int64(len(data)),
		CodeSHA256: base64.StdEncoding.EncodeToString(sum[:]),
		Unzipped:   int64(len("#!/bin/sh\necho hi\n") + len("nested") + len("console.log(1)") + len("cleaned")),
		Files:      4,
		Symlinks:   3,
	}
	if info != want {
		t.Errorf("Info = %+v, want %+v", info, want)
	}
	for _, c := range []struct {
		name string
		perm fs.FileMode
		body string
	}{
		{"bootstrap", 0o755, "#!/bin/sh\necho hi\n"},
		{"lib/a/b.txt", 0o644, "nested"},
		{"node_modules/pkg/cli.js", 0o644, "console.log(1)"},
		{"flat.txt", 0o644, "cleaned"},
	} {
		p := filepath.Join(dir, c.name)
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm() != c.perm {
			t.Errorf("%s: mode %v, want regular %v", c.name, fi.Mode(), c.perm)
		}
		if b, _ := os.ReadFile(p); string(b) != c.body {
			t.Errorf("%s: body %q, want %q", c.name, b, c.body)
		}
	}
	for _, d := range []string{"lib", "lib/a", "empty", "node_modules/.bin"} {
		fi, err := os.Lstat(filepath.Join(dir, d))
		if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o755 {
			t.Errorf("%s: %v %v, want a 0755 directory", d, fi, err)
		}
	}
	for name, target := range map[string]string{"lib/current": "a/b.txt", "node_modules/.bin/cli": "../pkg/cli.js", "root": "."} {
		if got, err := os.Readlink(filepath.Join(dir, name)); err != nil || got != target {
			t.Errorf("%s -> %q (%v), want -> %q", name, got, err, target)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "node_modules/.bin/cli")); string(b) != "console.log(1)" {
		t.Errorf("read through .bin link: %q", b)
	}
	if err := CheckBootstrap(dir); err != nil {
		t.Errorf("CheckBootstrap: %v", err)
	}
	checkContained(t, parent, dir)
}

func TestExtractEmptyZip(t *testing.T) {
	_, dir := taskDir(t)
	info, err := Extract(buildZip(t), dir)
	if err != nil || info.Files != 0 || info.CodeSize != 22 {
		t.Fatalf("empty zip: %+v, %v", info, err)
	}
}

func TestExtractRejects(t *testing.T) {
	good := buildZip(t, file("index.js", strings.Repeat("exports.handler = 1;\n", 50)))
	corrupt := bytes.Clone(good)
	corrupt[40] ^= 0xff // inside the deflated data: checksum or inflate error
	bomb := buildZip(t, file("zeros", strings.Repeat("\x00", 1<<20)))
	const unzipMsg = "Could not unzip uploaded file. Please check your file, then try to upload again."

	tests := []struct {
		name    string
		zip     []byte
		opts    Options
		status  int
		code    string
		message string // exact
	}{
		{"not a zip", []byte("hello, world"), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"empty bytes", nil, Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"truncated", good[:len(good)-10], Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"corrupt data", corrupt, Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"zipped over 50 MB", make([]byte, MaxZipped+1), Options{}, 413, CodeRequestEntityTooLarge,
			"Zipped size must be smaller than 52428800 bytes"},
		{"zipped over lowered limit", good, Options{MaxZipped: 100}, 413, CodeRequestEntityTooLarge,
			"Zipped size must be smaller than 100 bytes"},
		{"unzipped over limit", bomb, Options{MaxUnzipped: 64 << 10}, 400, CodeInvalidParameterValue,
			"Unzipped size must be smaller than 65536 bytes"},
		{"unzipped over limit across files", buildZip(t, file("a", strings.Repeat("x", 600)), file("b", strings.Repeat("y", 600))),
			Options{MaxUnzipped: 1000}, 400, CodeInvalidParameterValue, "Unzipped size must be smaller than 1000 bytes"},
		{"too many entries", buildZip(t, file("a", "1"), file("b", "2"), file("c", "3")), Options{MaxEntries: 2}, 400,
			CodeInvalidParameterValue, "Deployment package has more than 2 entries (a coldstart limit, not Lambda's)"},
		{"too many directories", buildZip(t, file("a/b/c/d/e", "1")), Options{MaxEntries: 3}, 400,
			CodeInvalidParameterValue, "Deployment package has more than 3 directories (a coldstart limit, not Lambda's)"},

		{"slip dot-dot", buildZip(t, file("../evil", "x")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"slip nested dot-dot", buildZip(t, file("a/../../evil", "x")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"slip absolute", buildZip(t, file("/tmp/evil", "x")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"slip backslash", buildZip(t, file(`..\evil`, "x")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"slip nested backslash", buildZip(t, file(`a\..\..\evil`, "x")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"slip dir entry", buildZip(t, dirent("../evil/")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"NUL in name", buildZip(t, file("a\x00b", "x")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"file named dot", buildZip(t, file(".", "x")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},

		{"symlink absolute", buildZip(t, link("passwd", "/etc/passwd")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"symlink dot-dot", buildZip(t, link("up", "..")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"symlink nested escape", buildZip(t, link("a/b/up", "../../../x")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"symlink escape via other link", buildZip(t, link("a", "."), link("b", "a/..")), Options{}, 400,
			CodeInvalidParameterValue, unzipMsg},
		{"symlink escape via later link", buildZip(t, link("b", "sub/a/.."), dirent("sub/"), link("sub/a", "..")), Options{}, 400,
			CodeInvalidParameterValue, unzipMsg},
		{"symlink escape via deep link", buildZip(t, link("d/x", "../.."), file("d/keep", "k")), Options{}, 400,
			CodeInvalidParameterValue, unzipMsg},
		{"symlink costly to resolve", buildZip(t, link("a", strings.Repeat("./", 2000)+"b"),
			link("b", strings.Repeat("./", 2000)+"c"), link("c", strings.Repeat("./", 2000)+"d")), Options{}, 400,
			CodeInvalidParameterValue, unzipMsg},
		{"write through inside symlink", buildZip(t, dirent("sub/"), link("l", "sub"), file("l/evil", "x")), Options{}, 400,
			CodeInvalidParameterValue, unzipMsg},
		{"write through dot symlink", buildZip(t, link("l", "."), file("l/l/evil", "x")), Options{}, 400,
			CodeInvalidParameterValue, unzipMsg},
		{"file over symlink", buildZip(t, link("l", "target"), file("l", "x")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},

		{"duplicate file", buildZip(t, file("a.txt", "1"), file("a.txt", "2")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"duplicate after cleaning", buildZip(t, file("a.txt", "1"), file("x/../a.txt", "2")), Options{}, 400,
			CodeInvalidParameterValue, unzipMsg},
		{"file then dir", buildZip(t, file("a", "1"), file("a/b", "2")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"dir then file", buildZip(t, file("a/b", "1"), file("a", "2")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"named pipe", buildZip(t, special("fifo", fs.ModeNamedPipe)), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"device", buildZip(t, special("dev", fs.ModeDevice)), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
		{"long name", buildZip(t, file(strings.Repeat("n", 300), "x")), Options{}, 400, CodeInvalidParameterValue, unzipMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent, dir := taskDir(t)
			info, err := ExtractWith(tt.zip, dir, tt.opts)
			ze := asError(err)
			if ze == nil {
				t.Fatalf("got (%+v, %v), want an *Error", info, err)
			}
			if ze.Status != tt.status || ze.Code != tt.code || ze.Message != tt.message {
				t.Errorf("got %d %s %q, want %d %s %q", ze.Status, ze.Code, ze.Message, tt.status, tt.code, tt.message)
			}
			t.Log(ze.Detail)
			checkEmptyDir(t, dir)
			checkContained(t, parent, dir)
		})
	}
}

// TestCopyCountsRealBytes covers the limit on bytes written, which a zip
// whose headers understate sizes would meet if the reader did not refuse it
// first.
func TestCopyCountsRealBytes(t *testing.T) {
	x := &extractor{limit: 1000, written: 100, buf: make([]byte, 64)}
	var out bytes.Buffer
	err := x.copy(&out, io.LimitReader(zeroReader{}, 1<<30), "bomb")
	if ze := asError(err); ze == nil || ze.Message != "Unzipped size must be smaller than 1000 bytes" {
		t.Fatalf("copy: %v", err)
	}
	if x.written > 1000 || int64(out.Len()) != x.written-100 {
		t.Errorf("wrote %d (counted %d) past a limit of 1000", out.Len(), x.written)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestExtractDestination(t *testing.T) {
	data := buildZip(t, file("a", "1"))
	_, dir := taskDir(t)
	if err := os.WriteFile(filepath.Join(dir, "old"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Extract(data, dir); err == nil || asError(err) != nil {
		t.Errorf("non-empty directory: %v, want our own error", err)
	}
	if _, err := Extract(data, filepath.Join(dir, "missing")); err == nil || asError(err) != nil {
		t.Errorf("missing directory: %v, want our own error", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "old")); err != nil {
		t.Errorf("existing file touched: %v", err)
	}
}

func TestCheckRequestSize(t *testing.T) {
	if err := CheckRequestSize(MaxRequest, "CreateFunction"); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	ze := asError(CheckRequestSize(MaxRequest+1, "UpdateFunctionCode"))
	if ze == nil || ze.Status != http.StatusRequestEntityTooLarge || ze.Code != CodeRequestEntityTooLarge ||
		ze.Message != "Request must be smaller than 70167211 bytes for the UpdateFunctionCode operation" {
		t.Errorf("over the limit: %+v", ze)
	}
}

func TestSum(t *testing.T) {
	size, sha := Sum([]byte("abc"))
	// SHA-256("abc"), base64.
	if size != 3 || sha != "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=" {
		t.Errorf("Sum = %d %s", size, sha)
	}
}
