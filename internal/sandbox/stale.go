package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// removeStale cleans up after coldstart processes that died without closing
// their sandboxes (SIGKILL, a crash): under base (a hierarchy's coldstart/
// directory) every <pid>-<n> tree whose pid no longer exists is thawed, its
// processes killed, and removed. A frozen runtime cannot act on the SIGKILL
// its Pdeathsig sent when we died, so without this it would stay forever.
// Trees of live processes are never touched. It returns how many trees it
// removed.
func removeStale(base string) int {
	entries, err := os.ReadDir(base)
	if err != nil {
		return 0
	}
	removed := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		pidText, _, _ := strings.Cut(e.Name(), "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 || pidAlive(pid) {
			continue
		}
		if removeTree(filepath.Join(base, e.Name())) == nil {
			removed++
		}
	}
	return removed
}

func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// removeTree empties and removes a cgroup directory, children first.
func removeTree(dir string) error {
	subs, _ := os.ReadDir(dir)
	for _, s := range subs {
		if s.IsDir() {
			_ = removeTree(filepath.Join(dir, s.Name()))
		}
	}
	// Whichever freezer this hierarchy has: let the tasks run so they can die.
	_ = os.WriteFile(filepath.Join(dir, "freezer.state"), []byte("THAWED"), 0)
	_ = os.WriteFile(filepath.Join(dir, "cgroup.freeze"), []byte("0"), 0)
	var err error
	for i := 0; i < 100; i++ {
		for _, pid := range cgroupProcs(dir) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if err = os.Remove(dir); err == nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("remove stale cgroup %s: %w", dir, err)
}

// staleNote says what removeStale did, for Capabilities.Notes.
func staleNote(removed int) string {
	if removed == 0 {
		return ""
	}
	return fmt.Sprintf("removed %d sandbox trees left by coldstart processes that died", removed)
}
