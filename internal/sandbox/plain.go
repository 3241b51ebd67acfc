package sandbox

import (
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"syscall"
)

// plain runs each environment as its own process group, with no limits. Peak
// memory is read from procfs (VmHWM over the process tree) and freezing uses
// SIGSTOP/SIGCONT on the group. It works anywhere, unprivileged.
type plain struct{}

var _ Backend = plain{}

// NewPlain returns the backend that needs no cgroups.
func NewPlain() Backend { return plain{} }

func (plain) Name() string { return "plain" }

func (plain) Capabilities() Capabilities {
	return Capabilities{Freeze: "SIGSTOP", PeakMemory: "procfs VmHWM"}
}

func (plain) New(spec Spec) (Sandbox, error) { return &plainBox{name: spec.Name}, nil }

func (plain) Close() error { return nil }

type plainBox struct {
	name string

	mu     sync.Mutex
	pgid   int           // process group of the running tree; 0 when none
	reaped chan struct{} // closed when the running process has been waited for
	peak   uint64        // bytes
	closed bool
}

var _ Sandbox = (*plainBox)(nil)

func (b *plainBox) Start(cmd *exec.Cmd) (<-chan Exit, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errors.New("sandbox closed")
	}
	if b.pgid != 0 {
		return nil, fmt.Errorf("sandbox %s: a process is still running", b.name)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid: true,
		// The runtime dies with us even if we are killed without a chance to clean up.
		Pdeathsig: syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pid := cmd.Process.Pid
	b.pgid = pid
	b.reaped = make(chan struct{})
	done := make(chan Exit, 1)
	go b.wait(cmd, pid, done, b.reaped)
	return done, nil
}

func (b *plainBox) wait(cmd *exec.Cmd, pid int, done chan<- Exit, reaped chan struct{}) {
	defer close(reaped)
	exit, maxRSS := waitExit(cmd)
	b.raisePeak(maxRSS)
	b.mu.Lock()
	if b.pgid == pid {
		b.pgid = 0
		// Children that outlived the runtime belong to the dead environment.
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
	b.mu.Unlock()
	done <- exit
}

func (b *plainBox) signal(sig syscall.Signal) error {
	b.mu.Lock()
	pgid := b.pgid
	b.mu.Unlock()
	if pgid == 0 {
		return nil
	}
	if err := syscall.Kill(-pgid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("signal %v to group %d: %w", sig, pgid, err)
	}
	return nil
}

func (b *plainBox) Freeze() error { return b.signal(syscall.SIGSTOP) }
func (b *plainBox) Thaw() error   { return b.signal(syscall.SIGCONT) }
func (b *plainBox) Kill() error   { return b.signal(syscall.SIGKILL) }

func (b *plainBox) PeakMemory() uint64 {
	b.mu.Lock()
	pgid := b.pgid
	b.mu.Unlock()
	if pgid != 0 {
		b.raisePeak(treeHWM(pgid))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.peak
}

func (b *plainBox) raisePeak(v uint64) {
	b.mu.Lock()
	if v > b.peak {
		b.peak = v
	}
	b.mu.Unlock()
}

// Close kills the tree and returns once the runtime process has been reaped.
func (b *plainBox) Close() error {
	err := b.Kill()
	b.mu.Lock()
	b.closed = true
	reaped := b.reaped
	b.mu.Unlock()
	return errors.Join(err, awaitReaped(reaped, b.name))
}
