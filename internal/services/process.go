package services

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// readyPrefix starts the line a launcher prints once it listens.
const readyPrefix = "coldstart-ready "

// process is one running service.
type process struct {
	name string
	cmd  *exec.Cmd
	pid  int
	port int
	done chan struct{} // closed once the process has been waited for
	out  *tail         // the end of its stderr, for error messages

	stopOnce sync.Once
}

// launch starts `node args…` for service name and waits, at most timeout,
// for its ready line. The process has a clean environment (PATH plus env),
// its own process group, and SIGKILL as its parent-death signal.
func launch(ctx context.Context, name, node, dir string, args, env []string, log io.Writer, timeout time.Duration) (*process, error) {
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	// Nothing of the host's environment (NODE_OPTIONS could add --inspect on
	// 0.0.0.0) reaches the service.
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "NODE_NO_WARNINGS=1"}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if log == nil {
		log = io.Discard
	}
	log = &lockedWriter{w: log} // stdout and stderr are copied by two goroutines
	p := &process{name: name, cmd: cmd, done: make(chan struct{}), out: &tail{max: 4 << 10}}
	cmd.Stderr = io.MultiWriter(p.out, log)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p.pid = cmd.Process.Pid
	ready := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if port, ok := strings.CutPrefix(line, readyPrefix); ok {
				if n, err := strconv.Atoi(strings.TrimSpace(port)); err == nil {
					select {
					case ready <- n:
					default:
					}
					continue
				}
			}
			fmt.Fprintln(log, line)
		}
		_, _ = io.Copy(log, stdout)
	}()
	waited := make(chan error, 1)
	go func() {
		waited <- cmd.Wait()
		close(p.done)
	}()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case p.port = <-ready:
		return p, nil
	case err := <-waited:
		return nil, fmt.Errorf("%s exited before it was ready (%v)%s", name, err, p.out.suffix())
	case <-timer.C:
		p.stop()
		return nil, fmt.Errorf("%s was not ready within %v%s", name, timeout, p.out.suffix())
	case <-ctx.Done():
		p.stop()
		return nil, fmt.Errorf("start %s: %w", name, ctx.Err())
	}
}

// stop kills the process group and waits until the process is gone, so its
// port is closed when stop returns.
func (p *process) stop() error {
	var err error
	p.stopOnce.Do(func() {
		if kerr := syscall.Kill(-p.pid, syscall.SIGKILL); kerr != nil && !errors.Is(kerr, syscall.ESRCH) {
			err = fmt.Errorf("kill %s: %w", p.name, kerr)
		}
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			err = errors.Join(err, fmt.Errorf("%s (pid %d) did not exit after SIGKILL", p.name, p.pid))
		}
	})
	return err
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

// suffix is ": <output>" for an error message, or "" when there is none.
func (t *tail) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.buf))
	if s == "" {
		return ""
	}
	return ":\n" + s
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
