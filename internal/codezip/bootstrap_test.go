package codezip

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckBootstrap(t *testing.T) {
	tests := []struct {
		name  string
		setup func(dir string) error
		want  string // "" for nil, else the message
	}{
		{"executable", func(d string) error { return os.WriteFile(filepath.Join(d, "bootstrap"), []byte("x"), 0o755) }, ""},
		{"missing", func(string) error { return nil }, MessageBootstrapMissing},
		{"in a subdirectory", func(d string) error {
			if err := os.Mkdir(filepath.Join(d, "bin"), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(d, "bin", "bootstrap"), []byte("x"), 0o755)
		}, MessageBootstrapMissing},
		{"directory", func(d string) error { return os.Mkdir(filepath.Join(d, "bootstrap"), 0o755) }, MessageBootstrapMissing},
		{"not executable", func(d string) error { return os.WriteFile(filepath.Join(d, "bootstrap"), []byte("x"), 0o644) },
			MessageBootstrapNotExecutable},
		{"symlink to executable", func(d string) error {
			if err := os.WriteFile(filepath.Join(d, "main"), []byte("x"), 0o755); err != nil {
				return err
			}
			return os.Symlink("main", filepath.Join(d, "bootstrap"))
		}, ""},
		{"dangling symlink", func(d string) error { return os.Symlink("nowhere", filepath.Join(d, "bootstrap")) },
			MessageBootstrapMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tt.setup(dir); err != nil {
				t.Fatal(err)
			}
			err := CheckBootstrap(dir)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckBootstrap: %v", err)
				}
				return
			}
			var be *BootstrapError
			if !errors.As(err, &be) || be.Type != ErrorTypeInvalidEntrypoint || be.Message != tt.want {
				t.Fatalf("CheckBootstrap: %v, want %s: %s", err, ErrorTypeInvalidEntrypoint, tt.want)
			}
		})
	}
}

func TestBootstrapFromZip(t *testing.T) {
	// A zip made on Windows carries no Unix mode: the bootstrap lands 0644.
	_, dir := taskDir(t)
	if _, err := Extract(buildZip(t, file("bootstrap", "ELF")), dir); err != nil {
		t.Fatal(err)
	}
	var be *BootstrapError
	if err := CheckBootstrap(dir); !errors.As(err, &be) || be.Message != MessageBootstrapNotExecutable {
		t.Errorf("CheckBootstrap: %v", err)
	}
}

func TestInvokeMessage(t *testing.T) {
	e := &BootstrapError{ErrorTypeInvalidEntrypoint, MessageBootstrapMissing}
	want := "RequestId: 5e1a1559-17e8-4233-b866-f14335722a3e Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"
	if got := e.InvokeMessage("5e1a1559-17e8-4233-b866-f14335722a3e"); got != want {
		t.Errorf("InvokeMessage = %q", got)
	}
}

func TestNeedsBootstrap(t *testing.T) {
	for rt, want := range map[string]bool{
		"provided": true, "provided.al2": true, "provided.al2023": true,
		"go1.x": false, "python3.13": false, "nodejs22.x": false, "": false,
	} {
		if got := NeedsBootstrap(rt); got != want {
			t.Errorf("NeedsBootstrap(%q) = %v", rt, got)
		}
	}
}
