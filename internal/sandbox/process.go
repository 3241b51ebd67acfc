package sandbox

import (
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// waitExit waits for cmd and says how it ended, with the process's peak
// resident set (bytes; 0 if unknown) from its rusage.
func waitExit(cmd *exec.Cmd) (Exit, uint64) {
	_ = cmd.Wait()
	exit := Exit{At: time.Now(), Code: -1}
	st := cmd.ProcessState
	if st == nil {
		return exit, 0
	}
	ws, _ := st.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		exit.Signal = ws.Signal()
	} else {
		exit.Code = ws.ExitStatus()
	}
	var peak uint64
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		peak = uint64(ru.Maxrss) << 10 // Maxrss is in KiB
	}
	return exit, peak
}

// awaitReaped waits, for a bounded time, until the runtime killed by Close
// has been reaped (reaped may be nil: nothing ever ran).
func awaitReaped(reaped <-chan struct{}, name string) error {
	if reaped == nil {
		return nil
	}
	select {
	case <-reaped:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("sandbox %s: runtime not reaped 10 s after SIGKILL", name)
	}
}

// killUntilEmpty kills until count reports no process left (children can
// fork while dying), for at most five seconds.
func killUntilEmpty(count func() (int, error), kill func() error, name string) error {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		n, err := count()
		if err != nil || n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sandbox %s: %d processes survive SIGKILL", name, n)
		}
		_ = kill()
	}
}
