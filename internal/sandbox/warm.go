package sandbox

import (
	"os"
	"strconv"
	"sync"
	"time"
)

// migrationWarmer keeps moving a process into a cgroup cheap (cgroup v1).
//
// Moving a process into a v1 cgroup (cgroup.procs) takes the kernel's
// global cgroup_threadgroup_rwsem for writing. That is a per-CPU rwsem: its
// writer waits for an RCU grace period unless another writer went within
// about one grace period before. On a busy machine grace periods are short;
// on an idle one they are not, and the attach of a cold start's runtime took
// 6 ms after 20 ms of quiet and 13 ms after 50 ms, against 0.9 ms back to back
// (docs/performance.md). A cold start always comes after some quiet, so the
// warmer makes a no-op migration — this process into the cgroup it is
// already in, which moves nothing — every warmEvery, keeping the rwsem in its
// writer-friendly state.
//
// Measured here: with a no-op migration every 16 ms a start after 50 ms or
// 137 ms of quiet takes 0.8 ms; every 32 ms, 2.6 ms; every 64 ms, 5.6 ms.
// The warmer costs about 2% of one CPU (a no-op migration is a few hundred
// µs of kernel time), which is the price of keeping 5–13 ms of kernel wait
// out of every cold start.
type migrationWarmer struct {
	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

// noWarmerEnv set to 1 turns the warmer off, to measure what it saves
// (docs/performance.md).
const noWarmerEnv = "COLDSTART_NO_MIGRATION_WARMER"

// warmEvery is the longest period that still kept every start fast here.
const warmEvery = 16 * time.Millisecond

// startMigrationWarmer starts the warmer on procs, the cgroup.procs file of
// this process's own cgroup in one v1 hierarchy; nil if it cannot write it.
func startMigrationWarmer(procs string) *migrationWarmer {
	f, err := os.OpenFile(procs, os.O_WRONLY, 0)
	if err != nil {
		return nil
	}
	pid := []byte(strconv.Itoa(os.Getpid()))
	if _, err := f.Write(pid); err != nil {
		f.Close()
		return nil
	}
	w := &migrationWarmer{done: make(chan struct{})}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer f.Close()
		t := time.NewTicker(warmEvery)
		defer t.Stop()
		for {
			select {
			case <-w.done:
				return
			case <-t.C:
				if _, err := f.Write(pid); err != nil {
					return
				}
			}
		}
	}()
	return w
}

// stop ends the warmer; it may be called more than once, and on nil.
func (w *migrationWarmer) stop() {
	if w == nil {
		return
	}
	w.once.Do(func() { close(w.done) })
	w.wg.Wait()
}
