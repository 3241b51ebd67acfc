package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/containerd/cgroups/v3/cgroup2"
	"github.com/prometheus/procfs"
)

// cgroup2Backend puts each environment in its own cgroup under
// <our cgroup>/coldstart/<pid>-<n>/ in the unified hierarchy. Freezing and
// killing work wherever cgroup v2 is mounted; memory, CPU and task limits
// only where those controllers are delegated to us, and each missing one
// degrades on its own (on a hybrid host the unified hierarchy usually has
// none, leaving freeze, kill-the-whole-tree and procfs peaks).
type cgroup2Backend struct {
	instance string           // coldstart/<pid>-<n>
	mount    string           // where cgroup2 is mounted
	self     string           // our own cgroup, relative to mount
	parent   *cgroup2.Manager // <self>/coldstart/<pid>-<n>
	have     map[string]bool  // controllers the sandboxes get: memory, cpu, pids
	peakFrom string           // memory.peak, memory.current or "" (procfs)
	swap     bool             // memory.swap.max exists
	kill     bool             // Kill writes cgroup.kill: it exists (Linux 5.14+) and leaves into working
	into     bool             // the kernel starts children inside a cgroup (clone3 CLONE_INTO_CGROUP, Linux 5.7+)
	hostCPUs float64
	caps     Capabilities
}

var _ Backend = (*cgroup2Backend)(nil)

// cgroup2Wanted are the v2 controllers we use, in the order notes list them.
var cgroup2Wanted = []string{"memory", "cpu", "pids"}

func newCgroup2() (Backend, error) {
	mount, self, err := cgroup2Location()
	if err != nil {
		return nil, fmt.Errorf("cgroup v2: %w", err)
	}
	b := &cgroup2Backend{mount: mount, self: self, have: map[string]bool{}, hostCPUs: float64(runtime.NumCPU()),
		instance: instanceDir()}
	group := b.group()
	stale := removeStale(filepath.Join(mount, self, cgroupBase))
	b.parent, err = cgroup2.NewManager(mount, group, &cgroup2.Resources{})
	if err != nil {
		return nil, fmt.Errorf("cgroup v2: create %s (needs root): %w", filepath.Join(mount, group), err)
	}
	dir := filepath.Join(mount, group)
	if _, err := os.Stat(filepath.Join(dir, "cgroup.freeze")); err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("cgroup v2: no cgroup.freeze (needs Linux 5.2+): %w", err)
	}
	_, killErr := os.Stat(filepath.Join(dir, "cgroup.kill"))
	intoErr := probeClone(dir)
	b.into = intoErr == nil
	b.kill = killErr == nil && !(b.into && b.killSpoilsClone())
	notes := b.enableControllers()
	if !b.into {
		notes = append(notes, fmt.Sprintf("kernel refuses CLONE_INTO_CGROUP (%v): a runtime joins its cgroup just after it starts", intoErr))
	}
	if killErr != nil {
		notes = append(notes, "no cgroup.kill (Linux < 5.14): Kill freezes the cgroup and signals each process")
	} else if !b.kill {
		notes = append(notes, "cgroup.kill breaks CLONE_INTO_CGROUP on this kernel (later runtimes die at birth): Kill freezes the cgroup and signals each process")
	}
	b.caps = Capabilities{MemoryLimit: b.have["memory"], CPULimit: b.have["cpu"],
		Freeze: "cgroup v2 freeze", PeakMemory: "procfs VmHWM"}
	if b.peakFrom != "" {
		b.caps.PeakMemory = b.peakFrom
	}
	switch {
	case b.peakFrom == "memory.current":
		notes = append(notes, "no memory.peak (Linux < 5.19): peak is the largest memory.current seen")
	case b.have["memory"] && !b.swap:
		notes = append(notes, "no swap accounting")
	}
	if n := staleNote(stale); n != "" {
		notes = append(notes, n)
	}
	b.caps.Notes = strings.Join(notes, "; ")
	return b, nil
}

// cgroup2Location finds where the unified hierarchy is mounted
// (/sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified on a hybrid one)
// and our own cgroup (the 0:: line of /proc/self/cgroup) relative to it.
func cgroup2Location() (mount, self string, err error) {
	self, err = cgroup2.PidGroupPath(os.Getpid())
	if err != nil {
		return "", "", fmt.Errorf("no 0:: line in /proc/self/cgroup: %w", err)
	}
	mounts, err := procfs.GetMounts()
	if err != nil {
		return "", "", fmt.Errorf("read mountinfo: %w", err)
	}
	for _, m := range mounts {
		if m.FSType != "cgroup2" {
			continue
		}
		// A mount of a subtree (a container without a cgroup namespace)
		// shows our path from the hierarchy's root; strip the mounted part.
		rel, ok := strings.CutPrefix(self, strings.TrimSuffix(m.Root, "/"))
		if !ok || (rel != "" && rel[0] != '/') {
			continue
		}
		if rel == "" {
			rel = "/"
		}
		return m.MountPoint, rel, nil
	}
	return "", "", errors.New("not mounted (no cgroup2 line in /proc/self/mountinfo)")
}

// errKilledAtBirth is probeClone's answer when the kernel killed the child
// as soon as it was cloned.
var errKilledAtBirth = errors.New("child killed at birth")

// probeClone clones a child straight into the cgroup at dir (clone3
// CLONE_INTO_CGROUP) and has it exec a directory, which fails with EACCES
// only after the clone succeeded; os.StartProcess reaps the child. nil means
// the kernel cloned it there. Seccomp profiles and kernels before 5.7 refuse
// the clone, and an exec.Cmd cannot be started twice, so we ask once.
func probeClone(dir string) error {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	p, err := os.StartProcess("/", []string{"coldstart-probe"}, &os.ProcAttr{
		Sys: &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: fd}})
	if errors.Is(err, syscall.EACCES) {
		return nil
	}
	if err != nil {
		return err
	}
	// The "exec" succeeded: the child died before it could fail.
	st, _ := p.Wait()
	return fmt.Errorf("%w (%v)", errKilledAtBirth, st)
}

// killSpoilsClone tells whether writing cgroup.kill makes the kernel kill
// every child cloned into that cgroup afterwards. Some kernels (this 6.18
// host's among them) do: cgroup_css_set_fork takes kill_seq from the parent's
// own cgroup, cgroup_post_fork compares it with the target's.
func (b *cgroup2Backend) killSpoilsClone() bool {
	probe, err := b.parent.NewChild("coldstart-probe", nil)
	if err != nil {
		return true // cannot tell; freezing and signalling is safe everywhere
	}
	defer probe.Delete()
	if err := probe.Kill(); err != nil {
		return true
	}
	return errors.Is(probeClone(filepath.Join(b.mount, b.group(), "coldstart-probe")), errKilledAtBirth)
}

// enableControllers makes memory, cpu and pids available to the sandboxes
// where our own cgroup has them, and returns notes on the ones it lacks.
// A cgroup that holds processes (ours, on a systemd host) cannot pass
// controllers down, so what counts is what coldstart/<pid>-<n> ends up with.
func (b *cgroup2Backend) enableControllers() (notes []string) {
	var offered []string
	if ours, err := cgroup2.Load(b.self, cgroup2.WithMountpoint(b.mount)); err == nil {
		offered, _ = ours.Controllers()
	}
	var toggleErr error
	for _, c := range cgroup2Wanted {
		if slices.Contains(offered, c) {
			if err := b.parent.ToggleControllers([]string{c}, cgroup2.Enable); err != nil {
				toggleErr = err
			}
		}
	}
	got, _ := b.parent.Controllers()
	var missing, failed []string
	for _, c := range cgroup2Wanted {
		switch {
		case slices.Contains(got, c):
			b.have[c] = true
		case slices.Contains(offered, c):
			failed = append(failed, c)
		default:
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		notes = append(notes, fmt.Sprintf("controllers not delegated here: %s (%s)",
			strings.Join(missing, ", "), lostLimits(missing)))
	}
	if len(failed) > 0 {
		notes = append(notes, fmt.Sprintf("controllers %s could not be enabled below %s (%s): %v",
			strings.Join(failed, ", "), b.self, lostLimits(failed), toggleErr))
	}
	if b.have["memory"] {
		dir := filepath.Join(b.mount, b.group())
		b.peakFrom = "memory.current"
		if _, err := os.Stat(filepath.Join(dir, "memory.peak")); err == nil {
			b.peakFrom = "memory.peak"
		}
		_, err := os.Stat(filepath.Join(dir, "memory.swap.max"))
		b.swap = err == nil
	}
	return notes
}

// lostLimits says what a user loses without the named controllers.
func lostLimits(controllers []string) string {
	mem, cpu := slices.Contains(controllers, "memory"), slices.Contains(controllers, "cpu")
	var lost []string
	switch {
	case mem && cpu:
		lost = append(lost, "no memory or CPU limits")
	case mem:
		lost = append(lost, "no memory limit")
	case cpu:
		lost = append(lost, "no CPU limit")
	}
	if slices.Contains(controllers, "pids") {
		lost = append(lost, "no task limit")
	}
	return strings.Join(lost, ", ")
}

// group is coldstart/<pid>-<n>'s path relative to the mount.
func (b *cgroup2Backend) group() string {
	return filepath.Join(b.self, b.instance)
}

func (b *cgroup2Backend) Name() string { return "cgroup2" }

func (b *cgroup2Backend) Capabilities() Capabilities { return b.caps }

func (b *cgroup2Backend) New(spec Spec) (Sandbox, error) {
	if spec.Name == "" || spec.Name == "." || spec.Name == ".." || strings.ContainsAny(spec.Name, "/\n") {
		return nil, fmt.Errorf("sandbox name %q cannot name a cgroup", spec.Name)
	}
	// A non-nil controller, even without limits, is enabled for the child:
	// memory.peak needs the memory controller whatever MemoryMB is.
	res := &cgroup2.Resources{}
	if b.have["memory"] {
		res.Memory = &cgroup2.Memory{}
		if spec.MemoryMB > 0 {
			limit := int64(spec.MemoryMB) << 20
			res.Memory.Max = &limit
			if b.swap {
				noSwap := int64(0) // as on Lambda
				res.Memory.Swap = &noSwap
			}
		}
	}
	if b.have["cpu"] {
		res.CPU = &cgroup2.CPU{}
		if spec.CPU > 0 {
			q, p := cpuQuota(spec.CPU, b.hostCPUs)
			res.CPU.Max = cgroup2.NewCPUMax(&q, &p)
		}
	}
	if b.have["pids"] {
		res.Pids = &cgroup2.Pids{Max: lambdaMaxTasks}
	}
	cg, err := b.parent.NewChild(spec.Name, res)
	if err != nil {
		return nil, fmt.Errorf("create cgroup %s/%s: %w", b.group(), spec.Name, err)
	}
	box := &cgroup2Box{be: b, name: spec.Name, cg: cg, dir: filepath.Join(b.mount, b.group(), spec.Name)}
	box.freeze = newCtlFile(filepath.Join(box.dir, "cgroup.freeze"), syscall.O_WRONLY)
	if b.peakFrom != "" {
		box.peakCtl = newCtlFile(filepath.Join(box.dir, b.peakFrom), syscall.O_RDONLY)
	}
	box.hwm = newHWMReader(box.dir)
	box.events = newCtlFile(filepath.Join(box.dir, "cgroup.events"), syscall.O_RDONLY)
	// The directory stays open for clone3; O_PATH would do, O_RDONLY is portable.
	box.fd, err = syscall.Open(box.dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		_ = cg.Delete()
		return nil, fmt.Errorf("open cgroup %s: %w", box.dir, err)
	}
	return box, nil
}

// Close removes coldstart/<pid>-<n> (every sandbox must be closed already), then
// coldstart/ if no other instance uses it.
func (b *cgroup2Backend) Close() error {
	err := b.parent.Delete()
	_ = os.Remove(filepath.Join(b.mount, b.self, cgroupBase))
	return err
}
