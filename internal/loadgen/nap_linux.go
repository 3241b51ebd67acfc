package loadgen

import (
	"syscall"
	"time"
)

// nap blocks the calling thread for about d (plus the kernel's timer slack),
// below the resolution of Go's timers. An interrupted nap just ends early.
func nap(d time.Duration) {
	ts := syscall.NsecToTimespec(d.Nanoseconds())
	_ = syscall.Nanosleep(&ts, nil)
}
