package sandbox

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/cgroups/v3"
	"github.com/containerd/cgroups/v3/cgroup1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// cgroup1Backend puts each environment in its own cgroup under
// <our cgroup>/coldstart/<pid>-<n>/ in the v1 memory, cpu, freezer (and, where
// mounted, pids) hierarchies: memory limit without swap, a CFS quota,
// freezing, and the memory controller's peak.
type cgroup1Backend struct {
	hier     cgroup1.Hierarchy
	parent   cgroup1.Cgroup // coldstart/<pid>-<n>
	suffix   string         // "coldstart/<pid>-<n>", appended to our own cgroup paths
	memsw    bool           // memory+swap can be limited too
	stale    int            // trees of dead predecessors removed at start
	hostCPUs float64
	keeper   string // an empty freezer cgroup kept frozen; "" if it could not be made
	warm     *migrationWarmer
	// rel is coldstart/<pid>-<n>'s path in each hierarchy, relative to its
	// mount, worked out once: cgroup1.NestedPath parses /proc/self/cgroup
	// and mountinfo on every call, several times per sandbox.
	rel map[cgroup1.Name]string
}

var _ Backend = (*cgroup1Backend)(nil)

// v1 subsystems we use; pids is optional.
var (
	cgroup1Required = []cgroup1.Name{cgroup1.Memory, cgroup1.Cpu, cgroup1.Freezer}
	cgroup1Optional = []cgroup1.Name{cgroup1.Pids}
)

// lambdaMaxTasks is Lambda's limit on processes and threads per environment.
const lambdaMaxTasks = 1024

func newCgroup1() (Backend, error) {
	if cgroups.Mode() == cgroups.Unified {
		return nil, errors.New("cgroup v1 is not mounted (this host is cgroup v2 only)")
	}
	all, err := cgroup1.Default()
	if err != nil {
		return nil, fmt.Errorf("cgroup v1: %w", err)
	}
	var subs []cgroup1.Subsystem
	have := map[cgroup1.Name]bool{}
	for _, s := range all {
		for _, n := range append(append([]cgroup1.Name{}, cgroup1Required...), cgroup1Optional...) {
			if s.Name() == n {
				subs = append(subs, s)
				have[n] = true
			}
		}
	}
	for _, n := range cgroup1Required {
		if !have[n] {
			return nil, fmt.Errorf("cgroup v1 controller %q is not mounted", n)
		}
	}
	hier := func() ([]cgroup1.Subsystem, error) { return subs, nil }
	b := &cgroup1Backend{hier: hier, suffix: instanceDir(),
		hostCPUs: float64(runtime.NumCPU())}
	for _, sub := range subs {
		if dir, derr := b.dir(cgroup1.NestedPath(cgroupBase), sub.Name()); derr == nil {
			b.stale += removeStale(dir)
		}
	}
	b.parent, err = cgroup1.New(cgroup1.NestedPath(b.suffix), &specs.LinuxResources{}, cgroup1.WithHierarchy(hier))
	if err != nil {
		return nil, fmt.Errorf("cgroup v1: create %s (needs root): %w", b.suffix, err)
	}
	if dir, err := b.dir(cgroup1.NestedPath(b.suffix), cgroup1.Memory); err == nil {
		_, statErr := os.Stat(filepath.Join(dir, "memory.memsw.limit_in_bytes"))
		b.memsw = statErr == nil
	}
	b.rel = map[cgroup1.Name]string{}
	for _, sub := range subs {
		if rel, err := cgroup1.NestedPath(b.suffix)(sub.Name()); err == nil {
			b.rel[sub.Name()] = rel
		}
	}
	if dir, err := b.dir(cgroup1.NestedPath(b.suffix), cgroup1.Freezer); err == nil {
		b.keeper = keepFreezerActive(dir)
	}
	if dir, err := b.dir(cgroup1.NestedPath(""), cgroup1.Freezer); err == nil && os.Getenv(noWarmerEnv) != "1" {
		b.warm = startMigrationWarmer(filepath.Join(dir, "cgroup.procs"))
	}
	return b, nil
}

// sandboxPath is the cgroup1.Path of sandbox name: coldstart/<pid>-<n>/name
// in every hierarchy.
func (b *cgroup1Backend) sandboxPath(name string) cgroup1.Path {
	return func(sub cgroup1.Name) (string, error) {
		rel, ok := b.rel[sub]
		if !ok {
			return "", fmt.Errorf("no %s hierarchy", sub)
		}
		return filepath.Join(rel, name), nil
	}
}

// keeperName is the frozen empty cgroup beside the sandboxes; sandbox names
// never start with a dot.
const keeperName = ".keep-frozen"

// keepFreezerActive creates an empty freezer cgroup under dir and freezes
// it, and returns its path ("" on failure: freezing then only costs more).
//
// Since Linux 6.1 the v1 freezer switches a static key on while any cgroup
// is frozen and off when the last one thaws; switching it rewrites kernel
// text on every CPU, 150–300 µs on a VM. An environment frozen and thawed
// between invokes while no other is frozen (one sequential client, the
// common benchmark) paid that twice per invoke. With this cgroup frozen for
// the backend's life the key stays on, and freezer.state writes cost
// microseconds. It holds no task, so it freezes nothing.
func keepFreezerActive(dir string) string {
	keeper := filepath.Join(dir, keeperName)
	if err := os.Mkdir(keeper, 0o755); err != nil && !os.IsExist(err) {
		return ""
	}
	if err := os.WriteFile(filepath.Join(keeper, "freezer.state"), []byte("FROZEN"), 0); err != nil {
		_ = os.Remove(keeper)
		return ""
	}
	return keeper
}

func (b *cgroup1Backend) Name() string { return "cgroup1" }

func (b *cgroup1Backend) Capabilities() Capabilities {
	swap := "memory+swap limited"
	if !b.memsw {
		swap = "no swap accounting"
	}
	notes := swap
	if n := staleNote(b.stale); n != "" {
		notes += "; " + n
	}
	return Capabilities{MemoryLimit: true, CPULimit: true, Freeze: "cgroup v1 freezer",
		PeakMemory: "memory.max_usage_in_bytes", Notes: notes}
}

// dir is the directory of the cgroup at path in one hierarchy.
func (b *cgroup1Backend) dir(path cgroup1.Path, name cgroup1.Name) (string, error) {
	subs, err := b.hier()
	if err != nil {
		return "", err
	}
	for _, sub := range subs {
		if sub.Name() != name {
			continue
		}
		p, ok := sub.(interface{ Path(string) string })
		if !ok {
			break
		}
		rel, err := path(name)
		if err != nil {
			return "", err
		}
		return p.Path(rel), nil
	}
	return "", fmt.Errorf("no %s hierarchy", name)
}

// cpuQuota turns a share of a CPU into a CFS quota and period. The period is
// 20 ms (Lambda's is unpublished) unless the share is so small that the
// quota would fall under the kernel's 1 ms minimum.
func cpuQuota(share, hostCPUs float64) (quota int64, period uint64) {
	share = math.Min(share, hostCPUs)
	period = 20000
	if q := share * float64(period); q < 1000 {
		period = uint64(math.Ceil(1000 / share))
	}
	return int64(math.Round(share * float64(period))), period
}

func (b *cgroup1Backend) New(spec Spec) (Sandbox, error) {
	maxTasks := int64(lambdaMaxTasks)
	res := &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &maxTasks}}
	if spec.MemoryMB > 0 {
		limit := int64(spec.MemoryMB) << 20
		res.Memory = &specs.LinuxMemory{Limit: &limit}
		if b.memsw {
			res.Memory.Swap = &limit // memory+swap = memory: no swap, as on Lambda
		}
	}
	if spec.CPU > 0 {
		q, p := cpuQuota(spec.CPU, b.hostCPUs)
		res.CPU = &specs.LinuxCPU{Quota: &q, Period: &p}
	}
	path := b.sandboxPath(spec.Name)
	cg, err := cgroup1.New(path, res, cgroup1.WithHierarchy(b.hier))
	if err != nil {
		return nil, fmt.Errorf("create cgroup %s/%s: %w", b.suffix, spec.Name, err)
	}
	box := &cgroup1Box{be: b, name: spec.Name, cg: cg}
	freezerDir, err := b.dir(path, cgroup1.Freezer)
	if err == nil {
		box.memDir, err = b.dir(path, cgroup1.Memory)
	}
	if err != nil {
		cg.Delete()
		return nil, err
	}
	box.freezer = newCtlFile(filepath.Join(freezerDir, "freezer.state"), syscall.O_WRONLY)
	box.maxUsage = newCtlFile(filepath.Join(box.memDir, "memory.max_usage_in_bytes"), syscall.O_RDONLY)
	box.hwm = newHWMReader(box.memDir)
	// What exec itself allocates is charged before the move: let it follow.
	_ = os.WriteFile(filepath.Join(box.memDir, "memory.move_charge_at_immigrate"), []byte("3"), 0)
	return box, nil
}

// Close removes coldstart/<pid>-<n>, and coldstart/ itself if no other
// instance uses it; every sandbox must be closed already.
func (b *cgroup1Backend) Close() error {
	b.warm.stop()
	if b.keeper != "" {
		_ = os.Remove(b.keeper) // an empty cgroup goes even while frozen
	}
	err := b.parent.Delete()
	for _, n := range append(append([]cgroup1.Name{}, cgroup1Required...), cgroup1Optional...) {
		if dir, derr := b.dir(cgroup1.NestedPath(cgroupBase), n); derr == nil {
			_ = os.Remove(dir) // fails, harmlessly, while another instance has groups there
		}
	}
	return err
}

// startInside starts cmd so that the runtime is inside cg before it runs a
// single instruction of its own: the child stops at exec under ptrace, is
// moved into the cgroups, and is released. Moving our own thread in and
// forking from there would be simpler, but the Go runtime may clone new
// threads from that thread meanwhile, and a runtime thread left in an
// environment's freezer cgroup freezes the whole process with it.
//
// It returns how long the child was held at exec (moved and released): set-up
// of the sandbox, not of the runtime.
func startInside(cmd *exec.Cmd, cg cgroup1.Cgroup) (time.Duration, error) {
	// The tracer is the forking thread: keep this goroutine on it until the
	// child is released.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Ptrace: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	pid := cmd.Process.Pid
	fail := func(err error) error {
		_ = cmd.Process.Kill()
		_ = syscall.PtraceDetach(pid)
		_ = cmd.Wait()
		return err
	}
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(pid, &ws, syscall.WALL, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, fail(fmt.Errorf("wait for the runtime's exec: %w", err))
		}
		break
	}
	stopped := time.Now()
	if !ws.Stopped() {
		return 0, fail(fmt.Errorf("runtime did not stop at exec (status %v)", ws))
	}
	if err := cg.Add(cgroup1.Process{Pid: pid}); err != nil {
		return 0, fail(fmt.Errorf("move runtime into its cgroups: %w", err))
	}
	// Measured before the release: once released, the runtime may run (and
	// reach /next) before this thread is scheduled again.
	held := time.Since(stopped)
	if err := syscall.PtraceDetach(pid); err != nil { // resumes it; the SIGTRAP is dropped
		return 0, fail(fmt.Errorf("release runtime: %w", err))
	}
	return held, nil
}

type cgroup1Box struct {
	be     *cgroup1Backend
	name   string
	cg     cgroup1.Cgroup
	memDir string

	mu       sync.Mutex
	pid      int
	reaped   chan struct{}
	frozen   bool
	closed   bool
	gone     bool   // the control files are closed and the cgroup deleted
	peak     uint64 // survives the cgroup's deletion
	freezer  ctlFile
	maxUsage ctlFile
	hwm      hwmReader
	setup    time.Duration // the last Start's hold at exec
}

var _ Sandbox = (*cgroup1Box)(nil)

func (s *cgroup1Box) Start(cmd *exec.Cmd) (<-chan Exit, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, errors.New("sandbox closed")
	}
	if s.pid != 0 {
		s.mu.Unlock()
		return nil, fmt.Errorf("sandbox %s: a process is still running", s.name)
	}
	s.mu.Unlock()
	setup, err := startInside(cmd, s.cg)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.setup = setup
	s.pid = cmd.Process.Pid
	s.reaped = make(chan struct{})
	done := make(chan Exit, 1)
	go s.wait(cmd, s.pid, done, s.reaped)
	s.mu.Unlock()
	return done, nil
}

func (s *cgroup1Box) wait(cmd *exec.Cmd, pid int, done chan<- Exit, reaped chan struct{}) {
	defer close(reaped)
	exit, _ := waitExit(cmd)
	// The kernel's OOM killer sends SIGKILL and counts it in oom_control.
	exit.OOM = exit.Signal == syscall.SIGKILL && s.oomKills() > 0
	s.PeakMemory() // record it while the cgroup still exists
	s.mu.Lock()
	if s.pid == pid {
		s.pid = 0
	}
	s.mu.Unlock()
	_ = s.killAll() // what the runtime left behind dies with it
	done <- exit
}

// oomKills reads the oom_kill counter (Linux 4.13+).
func (s *cgroup1Box) oomKills() int {
	b, err := os.ReadFile(filepath.Join(s.memDir, "memory.oom_control"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

var (
	frozenState = []byte("FROZEN")
	thawedState = []byte("THAWED")
)

// Freeze and Thaw write freezer.state themselves instead of calling the
// library, whose Freeze polls with 1 ms sleeps until the state reads FROZEN.
// Both sit between one invoke and the next: the kernel finishes freezing on
// its own once FROZEN is written, and THAWED cancels or undoes it at once.
// The file stays open (ctlFile). A closed sandbox is not frozen again: its
// processes must be able to die.
func (s *cgroup1Box) Freeze() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("sandbox closed")
	}
	if err := s.freezer.write(frozenState); err != nil {
		return err
	}
	s.frozen = true
	return nil
}

func (s *cgroup1Box) Thaw() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frozen = false
	if s.gone {
		return nil
	}
	return s.freezer.write(thawedState)
}

// PeakMemory is the larger of the cgroup's peak (memory.max_usage_in_bytes)
// and the processes' own peak resident sets. The cgroup is charged only for
// pages it faulted in first: the bootstrap binary's page cache, shared by
// every local environment, is charged to one of them, whereas on AWS each
// environment reads its own; so neither number alone is the environment's
// peak. This sits on every invoke's path: the files are read directly (a
// full Stat would read a dozen) and stay open (ctlFile, hwmReader), which
// makes a reading a few preads.
func (s *cgroup1Box) PeakMemory() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.gone {
		v, _ := s.maxUsage.readUint()
		s.peak = max(s.peak, v, s.hwm.sum())
	}
	return s.peak
}

// StartSetup is how long the last Start held the runtime at exec to move it
// into its cgroups: sandbox set-up, which Init Duration must not include.
func (s *cgroup1Box) StartSetup() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setup
}

// Kill sends SIGKILL to every process in the cgroup, then thaws it: frozen
// tasks cannot die until they run.
func (s *cgroup1Box) Kill() error { return s.killAll() }

func (s *cgroup1Box) killAll() error {
	procs, err := s.cg.Processes(cgroup1.Freezer, true)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, p := range procs {
		if err := syscall.Kill(p.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("kill %d: %w", p.Pid, err)
		}
	}
	s.mu.Lock()
	frozen := s.frozen
	s.mu.Unlock()
	if frozen {
		return s.Thaw()
	}
	return nil
}

// Close kills everything, waits until the cgroup is empty, and removes it.
func (s *cgroup1Box) Close() error {
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
		procs, err := s.cg.Processes(cgroup1.Freezer, true)
		return len(procs), err
	}, s.killAll, s.name))
	s.mu.Lock()
	s.gone = true
	s.freezer.close()
	s.maxUsage.close()
	s.hwm.close()
	s.mu.Unlock()
	return errors.Join(err, s.remove())
}

// remove deletes the sandbox's cgroup in every hierarchy. The library's
// Delete first walks each directory, an lstat per control file, to check
// that no process is left; rmdir says so itself (EBUSY), and only then does
// removeTree kill, descend and retry.
func (s *cgroup1Box) remove() error {
	var errs []error
	for name := range s.be.rel {
		dir, err := s.be.dir(s.be.sandboxPath(s.name), name)
		if err != nil {
			continue
		}
		if err := os.Remove(dir); err == nil || errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := removeTree(dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
