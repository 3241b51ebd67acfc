package codezip

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// What an OS-only runtime reports when it cannot start its bootstrap.
//
// Notes:
//   - CreateFunction and UpdateFunctionCode accept a package without a
//     bootstrap; the first invoke fails at init (obs.: INIT_REPORT "Status:
//     error Error Type: Runtime.InvalidEntrypoint", provided.al2023, 2024).
//   - The invoke's error body is {"errorType":"Runtime.InvalidEntrypoint",
//     "errorMessage":"RequestId: <id> Error: Couldn't find valid bootstrap(s):
//     [/var/task/bootstrap /opt/bootstrap]"} (obs. 2021 and 2024; AWS's
//     troubleshooting guide quotes the same message). Before 2020 the type
//     was Runtime.ExitError.
//   - A bootstrap that is a directory counts as missing (the runtime
//     interface emulator stats the candidates and skips directories).
//   - A bootstrap without an executable bit fails at exec: obs. (2020)
//     "RequestId: <id> Error: fork/exec /var/task/bootstrap: permission
//     denied", also Runtime.InvalidEntrypoint.
const (
	// ErrorTypeInvalidEntrypoint is the invoke error type for both cases.
	ErrorTypeInvalidEntrypoint = "Runtime.InvalidEntrypoint"
	// MessageBootstrapMissing is the message when no bootstrap exists.
	MessageBootstrapMissing = "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"
	// MessageBootstrapNotExecutable is the message when it cannot be run.
	MessageBootstrapNotExecutable = "fork/exec /var/task/bootstrap: permission denied"
	// BootstrapName is the file an OS-only runtime runs from the package root.
	BootstrapName = "bootstrap"
)

// BootstrapError is why an OS-only runtime cannot start, as Lambda reports it.
type BootstrapError struct {
	Type    string // ErrorTypeInvalidEntrypoint
	Message string // MessageBootstrapMissing or MessageBootstrapNotExecutable
}

// Error returns the type and message.
func (e *BootstrapError) Error() string { return e.Type + ": " + e.Message }

// InvokeMessage is the errorMessage an invoke returns for the failed init:
// Lambda prefixes the request id.
func (e *BootstrapError) InvokeMessage(requestID string) string {
	return "RequestId: " + requestID + " Error: " + e.Message
}

// NeedsBootstrap reports whether runtime is an OS-only runtime, which runs
// the package's bootstrap instead of a language runtime.
func NeedsBootstrap(runtime string) bool {
	switch runtime {
	case "provided", "provided.al2", "provided.al2023":
		return true
	}
	return false
}

// CheckBootstrap reports whether dir holds a bootstrap an OS-only runtime can
// run: nil if so, a *BootstrapError if Lambda would fail the init, another
// error if dir cannot be read. Symlinks are followed, as exec would.
func CheckBootstrap(dir string) error {
	fi, err := os.Stat(filepath.Join(dir, BootstrapName))
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && fi.IsDir()):
		return &BootstrapError{ErrorTypeInvalidEntrypoint, MessageBootstrapMissing}
	case err != nil:
		return fmt.Errorf("check bootstrap: %w", err)
	case !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0:
		return &BootstrapError{ErrorTypeInvalidEntrypoint, MessageBootstrapNotExecutable}
	}
	return nil
}
