package sandbox

import (
	"os"
	"strconv"
	"strings"
)

// treeHWM sums the peak resident set (VmHWM) of pid and its descendants. The
// processes' peaks need not have coincided, so this can overstate the tree's
// true peak; for the usual single-process runtime it is exact.
func treeHWM(pid int) uint64 {
	var total uint64
	seen := map[int]bool{}
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] || len(seen) > 4096 {
			continue
		}
		seen[p] = true
		total += vmHWM(p)
		queue = append(queue, children(p)...)
	}
	return total
}

// children lists the direct children of pid from every thread's children
// file: Go runtimes fork from whichever thread runs the goroutine.
func children(pid int) []int {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []int
	for _, t := range tasks {
		data, err := os.ReadFile(dir + "/" + t.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(data)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// vmHWM is a process's peak resident set in bytes, 0 if it is gone. It reads
// only the VmHWM line of /proc/<pid>/status: peak memory is read at the end
// of every invoke, and parsing the whole file (procfs.NewStatus) cost five
// times as much.
func vmHWM(pid int) uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	return parseVmHWM(b)
}
