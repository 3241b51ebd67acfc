// Package codestore keeps the functions created through the Lambda API
// (CreateFunction): their unpacked code and their configuration, in a
// directory that outlives the server with `serve --state-dir`, or in a
// temporary one that Close removes.
//
// Layout: <dir>/functions/<name>/function.json and <dir>/functions/<name>/code-<n>/.
// function.json is replaced atomically (write, fsync, rename), so a crash
// leaves either the old or the new record, never half of one.
package codestore

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Record is a created function as stored: what CreateFunction and the
// updates since set, and where its code is.
type Record struct {
	Name         string            `json:"name"`
	Runtime      string            `json:"runtime"`
	Handler      string            `json:"handler"`
	MemoryMB     int               `json:"memoryMB"`
	TimeoutS     int               `json:"timeoutS"`
	Environment  map[string]string `json:"environment,omitempty"`
	Architecture string            `json:"architecture"`
	Description  string            `json:"description,omitempty"`
	CodeDir      string            `json:"codeDir,omitempty"` // relative to the function's directory when stored
	// LocalDir is code run in place from a local directory (S3Bucket
	// hot-reload); CodeDir is then empty.
	LocalDir   string `json:"localDir,omitempty"`
	CodeSize   int64  `json:"codeSize"`
	CodeFiles  int    `json:"codeFiles"`
	CodeSHA256 string `json:"codeSha256"`
	// Reserved is the reserved concurrency; nil when none is set.
	Reserved *int64 `json:"reserved,omitempty"`
	// Async is the Event invoke configuration, as the API gave it; nil = Lambda's defaults.
	Async json.RawMessage `json:"async,omitempty"`
}

// Store is a directory of created functions. It is safe for concurrent use.
type Store struct {
	dir  string
	temp bool
	mu   sync.Mutex
}

// Open uses dir, creating it; an empty dir means a temporary directory that
// Close removes.
func Open(dir string) (*Store, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "coldstart-functions-")
		if err != nil {
			return nil, err
		}
		return &Store{dir: d, temp: true}, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(abs, "functions"), 0o755); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	return &Store{dir: abs}, nil
}

// Dir is where the store lives.
func (s *Store) Dir() string { return s.dir }

// Persistent says whether the functions survive Close.
func (s *Store) Persistent() bool { return !s.temp }

func (s *Store) functionDir(name string) string { return filepath.Join(s.dir, "functions", name) }

// NewCodeDir returns a new empty directory for a version of name's code.
func (s *Store) NewCodeDir(name string) (string, error) {
	fd := s.functionDir(name)
	if err := os.MkdirAll(fd, 0o755); err != nil {
		return "", err
	}
	return os.MkdirTemp(fd, "code-")
}

// Save writes rec atomically and removes the function's other code
// directories: rec.CodeDir is the one in use from now on.
func (s *Store) Save(rec Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fd := s.functionDir(rec.Name)
	if err := os.MkdirAll(fd, 0o755); err != nil {
		return err
	}
	rel := ""
	if rec.LocalDir == "" {
		var err error
		rel, err = filepath.Rel(fd, rec.CodeDir)
		if err != nil || strings.HasPrefix(rel, "..") || strings.ContainsRune(rel, filepath.Separator) {
			return fmt.Errorf("code directory %s is not one of %s's", rec.CodeDir, rec.Name)
		}
	}
	rec.CodeDir = rel
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(fd, ".function-*.json")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(fd, "function.json"))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("save %s: %w", rec.Name, err)
	}
	entries, _ := os.ReadDir(fd)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "code-") && e.Name() != rel {
			_ = os.RemoveAll(filepath.Join(fd, e.Name()))
		}
	}
	return nil
}

// Discard removes a code directory that was never saved (a failed upload).
func (s *Store) Discard(codeDir string) {
	if s.Owns(codeDir) {
		_ = os.RemoveAll(codeDir)
	}
}

// Owns says whether dir is inside the store (code it unpacked), not a
// local directory run in place.
func (s *Store) Owns(dir string) bool {
	return strings.HasPrefix(dir, filepath.Join(s.dir, "functions")+string(filepath.Separator))
}

// Delete removes a function and its code.
func (s *Store) Delete(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return os.RemoveAll(s.functionDir(name))
}

// Load reads every stored function, sorted by name, with CodeDir absolute.
// A function whose record is unreadable is reported in the error and
// skipped; the others load.
func (s *Store) Load() ([]Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := os.ReadDir(filepath.Join(s.dir, "functions"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Record
	var errs []error
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		fd := s.functionDir(e.Name())
		b, err := os.ReadFile(filepath.Join(fd, "function.json"))
		if errors.Is(err, os.ErrNotExist) {
			_ = os.RemoveAll(fd) // a create that never completed
			continue
		}
		var rec Record
		if err == nil {
			err = json.Unmarshal(b, &rec)
		}
		if err == nil && rec.Name != e.Name() {
			err = fmt.Errorf("record names %q", rec.Name)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", fd, err))
			continue
		}
		if rec.LocalDir == "" {
			rec.CodeDir = filepath.Join(fd, rec.CodeDir)
		}
		out = append(out, rec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, errors.Join(errs...)
}

// Close removes a temporary store; a persistent one stays.
func (s *Store) Close() error {
	if s.temp {
		return os.RemoveAll(s.dir)
	}
	return nil
}
