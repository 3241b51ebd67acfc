package platform

import (
	"fmt"
	"strings"
	"time"
)

// Lambda's limits that the platform enforces (lambda-spec.md §7).
const (
	MinMemoryMB    = 128
	MaxMemoryMB    = 10240
	MinTimeout     = time.Second
	MaxTimeout     = 900 * time.Second
	DefaultMemory  = 128
	DefaultTimeout = 3 * time.Second
	// InitTimeout bounds the init phase of an on-demand environment.
	InitTimeout = 10 * time.Second
	// VersionLatest is the only version served so far.
	VersionLatest = "$LATEST"
)

// FunctionConfig is a function ready to run: its configuration and built code.
type FunctionConfig struct {
	Name         string
	Runtime      string // "provided.al2023", "provided.al2", "provided"
	Handler      string
	MemoryMB     int
	Timeout      time.Duration
	Environment  map[string]string
	Architecture string // "x86_64" or "arm64"; a label, the host's CPU runs the code
	Description  string

	CodeDir    string // LAMBDA_TASK_ROOT and the runtime's working directory
	Bootstrap  string // executable started as the runtime process
	CodeSize   int64  // bytes in CodeDir
	CodeFiles  int    // regular files in CodeDir
	CodeSHA256 string // base64 SHA-256 identifying the code, as Lambda reports it

	// Set by PutFunction: every change makes a new revision, and environments
	// of an older revision are never reused.
	LastModified time.Time
	RevisionID   string
}

func (c *FunctionConfig) validate() error {
	switch {
	case c.Name == "":
		return fmt.Errorf("function has no name")
	case c.Bootstrap == "":
		return fmt.Errorf("function %s: no bootstrap to run", c.Name)
	case c.MemoryMB < MinMemoryMB || c.MemoryMB > MaxMemoryMB:
		return fmt.Errorf("function %s: MemorySize %d MB outside %d–%d", c.Name, c.MemoryMB, MinMemoryMB, MaxMemoryMB)
	case c.Timeout < MinTimeout || c.Timeout > MaxTimeout:
		return fmt.Errorf("function %s: Timeout %v outside 1–900 s", c.Name, c.Timeout)
	}
	if _, err := ValidateEnvironment(c.Environment); err != nil {
		return fmt.Errorf("function %s: %w", c.Name, err)
	}
	if c.Architecture == "" {
		c.Architecture = "x86_64"
	}
	if c.Handler == "" {
		c.Handler = "bootstrap"
	}
	return nil
}

// runtimeVersion names the runtime in INIT_START as Lambda does
// ("provided:al2023.v…"), marked as coldstart's so nobody mistakes it for AWS's.
func runtimeVersion(runtime, toolVersion string) string {
	name := strings.Replace(runtime, ".", ":", 1)
	if name == "provided" {
		name = "provided:al1"
	}
	return name + ".coldstart-" + toolVersion
}
