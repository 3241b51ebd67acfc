package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/cgroups/v3/cgroup2"
	"golang.org/x/sys/unix"
)

// freezeTimeout bounds how long freezeAndKill waits for every task to stop; a
// task in uninterruptible sleep (D state) holds the cgroup back until it wakes.
const freezeTimeout = 2 * time.Second

type cgroup2Box struct {
	be   *cgroup2Backend
	name string
	cg   *cgroup2.Manager
	dir  string
	fd   int // the cgroup directory, kept open for clone3 CLONE_INTO_CGROUP

	// mu also serialises writes to the cgroup with its deletion.
	mu     sync.Mutex
	pid    int
	reaped chan struct{}
	frozen bool
	closed bool
	gone   bool   // the cgroup has been deleted
	peak   uint64 // survives the cgroup's deletion
	// Control files kept open (ctlFile): cgroup.freeze, the memory peak file,
	// and the procfs peaks when there is no memory controller.
	freeze  ctlFile
	peakCtl ctlFile
	hwm     hwmReader

	eventsMu sync.Mutex // guards events, which awaitFrozen reads without mu
	events   ctlFile    // cgroup.events
}

var _ Sandbox = (*cgroup2Box)(nil)

func (s *cgroup2Box) Start(cmd *exec.Cmd) (<-chan Exit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("sandbox closed")
	}
	if s.pid != 0 {
		return nil, fmt.Errorf("sandbox %s: a process is still running", s.name)
	}
	// A child born in a frozen cgroup stops before it can exec, and
	// cmd.Start would wait for that exec forever.
	if s.frozen {
		if err := s.freeze.write(freezeOff); err != nil {
			return nil, fmt.Errorf("thaw sandbox %s before start: %w", s.name, err)
		}
		s.frozen = false
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid: true,
		// The runtime dies with us even if we are killed without a chance to clean up.
		Pdeathsig: syscall.SIGKILL,
		// Born inside the cgroup: not one instruction runs outside its limits.
		UseCgroupFD: s.be.into,
		CgroupFD:    s.fd,
	}
	oomBefore := s.oomKills()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pid := cmd.Process.Pid
	if !s.be.into {
		if err := s.cg.AddProc(uint64(pid)); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return nil, fmt.Errorf("move process into cgroup %s: %w", s.dir, err)
		}
	}
	s.pid = pid
	s.reaped = make(chan struct{})
	done := make(chan Exit, 1)
	go s.wait(cmd, pid, oomBefore, done, s.reaped)
	return done, nil
}

func (s *cgroup2Box) wait(cmd *exec.Cmd, pid int, oomBefore uint64, done chan<- Exit, reaped chan struct{}) {
	defer close(reaped)
	exit, maxRSS := waitExit(cmd)
	// Without the memory controller, the runtime's own high-water mark is
	// the last word on a peak that sampling may have missed.
	if s.be.peakFrom == "" {
		s.raisePeak(maxRSS)
	}
	// The kernel's OOM killer sends SIGKILL and counts it in memory.events.
	exit.OOM = exit.Signal == syscall.SIGKILL && s.oomKills() > oomBefore
	s.PeakMemory() // record it while the processes are still there
	s.mu.Lock()
	if s.pid == pid {
		s.pid = 0
	}
	s.mu.Unlock()
	_ = s.killAll() // what the runtime left behind dies with it
	done <- exit
}

// oomKills reads the oom_kill counter of memory.events; without the memory
// controller there is no OOM killer of ours to count.
func (s *cgroup2Box) oomKills() uint64 {
	if !s.be.have["memory"] {
		return 0
	}
	m, err := s.cg.StatFiltered(cgroup2.StatMemoryEvents)
	if err != nil || m.MemoryEvents == nil {
		return 0
	}
	return m.MemoryEvents.OomKill
}

var (
	freezeOn  = []byte("1")
	freezeOff = []byte("0")
)

// Freeze writes cgroup.freeze and returns, as the v1 backend does: the
// kernel stops each task as soon as it can (microseconds for a runtime
// waiting in /next), and a Thaw before it is done cancels the freeze.
// Waiting until cgroup.events said "frozen 1" put the kernel's whole
// freezing (waking each of a Go runtime's threads so that it traps,
// 0.5–1 ms on a loaded two-core VM) between an invoke and the
// environment's release, where the next invoke waits; and a wait that timed
// out behind a task in D state made the platform believe the sandbox thawed
// while the kernel went on freezing it. freezeAndKill, which needs the
// tasks stopped, waits itself. A closed sandbox is not frozen again.
func (s *cgroup2Box) Freeze() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gone || s.closed {
		return errors.New("sandbox closed")
	}
	if err := s.freeze.write(freezeOn); err != nil {
		return err
	}
	s.frozen = true
	return nil
}

// awaitFrozen waits until cgroup.events says "frozen 1". Reading the file
// arms its notification; poll then wakes when the kernel changes it. Each
// poll is bounded by 1 ms in case a notification is missed.
func (s *cgroup2Box) awaitFrozen(timeout time.Duration) error {
	s.eventsMu.Lock()
	defer s.eventsMu.Unlock()
	deadline := time.Now().Add(timeout)
	for {
		buf, ev, err := s.events.read()
		if err != nil {
			return err
		}
		frozen := bytes.Contains(ev, []byte("frozen 1"))
		putBuf(buf)
		if frozen {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroup %s not frozen %v after cgroup.freeze", s.dir, timeout)
		}
		fds := []unix.PollFd{{Fd: int32(s.events.fd), Events: unix.POLLPRI}}
		if _, err := unix.Poll(fds, 1); err != nil && err != unix.EINTR {
			return err
		}
	}
}

func (s *cgroup2Box) Thaw() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gone {
		return nil
	}
	s.frozen = false
	return s.freeze.write(freezeOff)
}

// PeakMemory reads memory.peak (or memory.current) directly: it sits on every
// invoke's path, where the library's Stat would read a dozen files. The
// files stay open (ctlFile, hwmReader).
func (s *cgroup2Box) PeakMemory() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.gone {
		var v uint64
		if s.be.peakFrom != "" {
			v, _ = s.peakCtl.readUint()
		} else {
			v = s.hwm.sum()
		}
		s.peak = max(s.peak, v)
	}
	return s.peak
}

func (s *cgroup2Box) raisePeak(v uint64) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v > s.peak {
		s.peak = v
	}
	return s.peak
}

// cgroupProcs reads cgroup.procs directly; the library's Procs walks the
// whole directory to find it.
func cgroupProcs(dir string) []int {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Kill kills every process in the cgroup, including any that left the
// process group or session, then thaws it so the next runtime is not born
// frozen. In v2 a frozen task dies of SIGKILL without thawing first.
func (s *cgroup2Box) Kill() error { return s.killAll() }

func (s *cgroup2Box) killAll() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gone {
		return nil
	}
	var err error
	if s.be.kill {
		err = s.cg.Kill()
	} else {
		err = s.freezeAndKill()
	}
	if s.frozen {
		s.frozen = false
		err = errors.Join(err, s.cg.Thaw())
	}
	return err
}

// freezeAndKill is Kill without cgroup.kill: frozen, the tasks cannot fork
// while we read cgroup.procs, and they die of SIGKILL without being thawed.
// (The library's own fallback would also wait(2) for them, stealing the
// runtime's exit status from cmd.Wait.) s.mu is held.
func (s *cgroup2Box) freezeAndKill() error {
	if !s.frozen {
		if err := s.cg.Freeze(); err != nil {
			return err
		}
		defer s.cg.Thaw()
	}
	// A task in uninterruptible sleep may hold the freeze back; it still
	// gets its SIGKILL, and Close's loop catches anything it forks.
	_ = s.awaitFrozen(freezeTimeout)
	var err error
	for _, pid := range cgroupProcs(s.dir) {
		if kerr := syscall.Kill(pid, syscall.SIGKILL); kerr != nil && !errors.Is(kerr, syscall.ESRCH) {
			err = errors.Join(err, fmt.Errorf("kill %d: %w", pid, kerr))
		}
	}
	return err
}

// Close kills everything, waits until the cgroup is empty, and removes it.
func (s *cgroup2Box) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	reaped := s.reaped
	s.mu.Unlock()
	err := errors.Join(s.killAll(), awaitReaped(reaped, s.name))
	err = errors.Join(err, killUntilEmpty(func() (int, error) {
		procs, err := s.cg.Procs(true)
		return len(procs), err
	}, s.killAll, s.name))
	s.PeakMemory() // the last reading; the files go with the cgroup
	s.mu.Lock()
	defer s.mu.Unlock()
	s.freeze.close()
	s.peakCtl.close()
	s.hwm.close()
	s.eventsMu.Lock()
	s.events.close()
	s.eventsMu.Unlock()
	derr := s.cg.Delete()
	s.gone = derr == nil
	_ = syscall.Close(s.fd) // no Start can use it: closed is set
	return errors.Join(err, derr)
}
