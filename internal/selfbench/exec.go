package selfbench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// bareExec times exec of bootstrap until its first GET /next against a stub
// Runtime API: the least a cold start can cost on this machine.
func bareExec(ctx context.Context, bootstrap, dir string, env []string, n int) ([]time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var next chan time.Time
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		mu.Lock()
		ch := next
		mu.Unlock()
		if ch != nil {
			select {
			case ch <- at:
			default:
			}
		}
		<-r.Context().Done() // hold the long poll until the runtime dies
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	env = append(env, "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String())
	out := make([]time.Duration, 0, n)
	for range n {
		ch := make(chan time.Time, 1)
		mu.Lock()
		next = ch
		mu.Unlock()
		cmd := exec.CommandContext(ctx, bootstrap)
		cmd.Dir, cmd.Env = dir, env
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return out, fmt.Errorf("exec %s: %w", bootstrap, err)
		}
		select {
		case at := <-ch:
			out = append(out, at.Sub(t0))
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return out, fmt.Errorf("%s did not call /next within 10 s", bootstrap)
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	return out, nil
}
