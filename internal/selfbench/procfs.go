package selfbench

import (
	"syscall"
	"time"

	"github.com/prometheus/procfs"
)

// ownCPU is this process's processor time so far (user and system).
func ownCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuOf is the processor time so far of the processes pids, all threads
// (utime + stime in /proc/<pid>/stat, which the kernel keeps summing to the
// scheduler's exact run time); a process that is gone counts 0.
func cpuOf(pids []int) time.Duration {
	var seconds float64
	for _, pid := range pids {
		if st, err := stat(pid); err == nil {
			seconds += st.CPUTime()
		}
	}
	return time.Duration(seconds * float64(time.Second))
}

func stat(pid int) (procfs.ProcStat, error) {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return procfs.ProcStat{}, err
	}
	return p.Stat()
}

// rss is a process's resident set in bytes (VmRSS), or 0 if it is gone.
func rss(pid int) int64 {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return 0
	}
	st, err := p.NewStatus()
	if err != nil {
		return 0
	}
	return int64(st.VmRSS)
}

// descendants lists every process below pid (children, their children, …).
func descendants(pid int) []int {
	procs, _ := procfs.AllProcs()
	parent := map[int][]int{}
	for _, p := range procs {
		if st, err := p.Stat(); err == nil {
			parent[st.PPID] = append(parent[st.PPID], p.PID)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range parent[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}
