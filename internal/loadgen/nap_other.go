//go:build !linux

package loadgen

import "time"

// nap does nothing where no portable sub-millisecond sleep exists: the caller
// yields in a loop instead, accurate but busy.
func nap(time.Duration) {}
