// Package sandbox runs one environment's processes under limits: it starts a
// process tree, freezes and thaws it, reports its peak memory, and kills it.
//
// A Backend (plain, cgroup v1, cgroup v2) is chosen once at start with Detect;
// each environment gets its own Sandbox from it. A Sandbox outlives the
// processes it runs: after a crash or timeout the platform starts a new
// runtime in the same sandbox, as Lambda re-initialises in the same
// environment, so peak memory stays monotone over the environment's life.
//
// sandbox imports nothing of ours.
package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

var instances atomic.Int64

// cgroupBase is the directory, under our own cgroup in each hierarchy, that
// holds every coldstart instance's subtree (a variable so that a test can
// keep its own apart from concurrently running coldstart processes).
var cgroupBase = "coldstart"

// instanceDir names a backend instance's own cgroup subtree, coldstart/<pid>-<n>:
// two platforms in one process never remove each other's cgroups.
func instanceDir() string {
	return cgroupBase + "/" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(instances.Add(1), 10)
}

// Spec describes the environment a Sandbox is created for.
type Spec struct {
	// Name is unique among live sandboxes (cgroup backends use it as a directory name).
	Name string
	// MemoryMB limits the whole process tree; backends without a memory
	// controller ignore it.
	MemoryMB int
	// CPU is the share of one CPU the tree may use (1.0 = one vCPU); backends
	// without a CPU controller ignore it.
	CPU float64
}

// Backend creates sandboxes. Implementations are safe for concurrent use.
type Backend interface {
	// Name is "plain", "cgroup1" or "cgroup2"; it is reported to users.
	Name() string
	// Capabilities says which limits this backend enforces.
	Capabilities() Capabilities
	// New creates an empty sandbox for spec.
	New(spec Spec) (Sandbox, error)
	// Close releases what the backend holds (e.g. its cgroup subtree). Every
	// Sandbox must have been closed first.
	Close() error
}

// Capabilities says which limits a backend enforces, for reports.
type Capabilities struct {
	MemoryLimit bool   // MemoryMB is enforced
	CPULimit    bool   // CPU is enforced
	Freeze      string // how Freeze works, e.g. "SIGSTOP" or "cgroup freezer"
	PeakMemory  string // where PeakMemory comes from, e.g. "procfs VmHWM"
	Notes       string // what else a user should know, e.g. which controllers are missing
}

// Sandbox is one environment's container. Start may be called again after the
// previous process exited; only one process tree runs at a time.
type Sandbox interface {
	// Start starts cmd inside the sandbox. The channel receives exactly one
	// Exit when the process ends. The sandbox sets cmd.SysProcAttr.
	Start(cmd *exec.Cmd) (<-chan Exit, error)
	// Freeze stops every process in the sandbox from running.
	Freeze() error
	// Thaw lets frozen processes run again.
	Thaw() error
	// PeakMemory is the most memory the sandbox's processes have used at once
	// since the sandbox was created, in bytes. It never decreases.
	PeakMemory() uint64
	// Kill sends SIGKILL to every process in the sandbox.
	Kill() error
	// Close kills every process and releases the sandbox.
	Close() error
}

// Exit says how a sandboxed process ended.
type Exit struct {
	Code   int            // exit status; -1 when killed by a signal
	Signal syscall.Signal // the signal that killed it; 0 when it exited
	OOM    bool           // killed because the sandbox ran out of memory
	At     time.Time      // when the exit was observed
}

// String describes the exit as Go's os/exec does ("exit status 2",
// "signal: killed"), which is also how Lambda words Runtime.ExitError.
func (e Exit) String() string {
	if e.Signal != 0 {
		return "signal: " + e.Signal.String()
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// Detect returns the backend named by preference, or for "auto" the best
// this host supports: one that enforces memory and CPU limits (cgroup v1,
// then v2), else cgroup v2 with what it has, else plain.
func Detect(preference string) (Backend, error) {
	switch preference {
	case "plain":
		return NewPlain(), nil
	case "cgroup1":
		return newCgroup1()
	case "cgroup2":
		return newCgroup2()
	case "", "auto":
		var partial Backend
		for _, try := range []func() (Backend, error){newCgroup1, newCgroup2} {
			b, err := try()
			if err != nil {
				continue
			}
			if c := b.Capabilities(); c.MemoryLimit && c.CPULimit {
				if partial != nil {
					partial.Close()
				}
				return b, nil
			}
			if partial == nil {
				partial = b
			} else {
				b.Close()
			}
		}
		if partial != nil {
			return partial, nil
		}
		return NewPlain(), nil
	default:
		return nil, fmt.Errorf("unknown sandbox %q (want auto, plain, cgroup1 or cgroup2)", preference)
	}
}
