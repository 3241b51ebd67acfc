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
	Runtime      string // "provided.al2023", or a managed runtime such as "nodejs20.x"
	Handler      string
	MemoryMB     int
	Timeout      time.Duration
	Environment  map[string]string
	Architecture string // "x86_64" or "arm64"; a label, the host's CPU runs the code
	Description  string

	CodeDir   string // LAMBDA_TASK_ROOT and the runtime's working directory
	Bootstrap string // executable started as the runtime process (provided runtimes)
	// Managed starts the runtime process of a managed runtime instead of
	// Bootstrap; nil for provided runtimes.
	Managed    *ManagedRuntime
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
	case c.Bootstrap == "" && c.Managed == nil:
		return fmt.Errorf("function %s: no bootstrap to run", c.Name)
	case c.Managed != nil && c.Managed.Command == nil:
		return fmt.Errorf("function %s: runtime %s has no command", c.Name, c.Runtime)
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

// command is the runtime process's argv.
func (c *FunctionConfig) command() []string {
	if c.Managed != nil {
		return c.Managed.Command(c.MemoryMB)
	}
	return []string{c.Bootstrap}
}

// ManagedRuntime is how an environment of a managed runtime (Node.js,
// Python, Java) starts its runtime process: an interpreter running a runtime
// interface client. The command is built per environment because some flags
// depend on the memory size (the heap limits Lambda's own bootstraps set).
type ManagedRuntime struct {
	// Command returns the runtime process's argv for an environment of
	// memoryMB; argv[0] is an absolute path.
	Command func(memoryMB int) []string
	// Dir is LAMBDA_RUNTIME_DIR: where the runtime interface client lives.
	Dir string
	// Env holds variables the runtime sets (NODE_PATH, PYTHONPATH…); the
	// function's own variables override them, as on Lambda.
	Env map[string]string
	// Interpreter names what runs, e.g. "node v20.20.2", for INIT_START.
	Interpreter string
}

// runtimeVersion names the runtime in INIT_START as Lambda does
// ("provided:al2023.v…", "nodejs:20.v…", "python:3.11.v…", "java:17.v…"),
// marked as coldstart's so nobody mistakes it for AWS's.
func runtimeVersion(runtime, toolVersion string) string {
	var name string
	switch {
	case runtime == "provided":
		name = "provided:al1"
	case strings.HasPrefix(runtime, "provided"):
		name = strings.Replace(runtime, ".", ":", 1)
	default: // nodejs20.x → nodejs:20, python3.11 → python:3.11, java17 → java:17
		i := strings.IndexFunc(runtime, func(r rune) bool { return r >= '0' && r <= '9' })
		if i < 0 {
			name = runtime
		} else {
			name = runtime[:i] + ":" + strings.TrimSuffix(strings.TrimSuffix(runtime[i:], ".x"), ".al2")
		}
	}
	return name + ".coldstart-" + toolVersion
}
