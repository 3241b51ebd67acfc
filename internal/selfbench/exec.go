package selfbench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// bareFloor is what a cold start costs with no platform at all: the
// bootstrap exec'd directly (no sandbox, no CPU quota) against a stub
// Runtime API that hands it one event at once.
type bareFloor struct {
	ToNext     []time.Duration // exec → the first GET /next
	ToResponse []time.Duration // exec → the event's /response: a whole cold invoke
}

// bareExec runs the bootstrap n times under a stub Runtime API that answers
// the first /next with payload and takes its /response, timing both. Each
// start follows the pause a timed cold invoke follows (settle).
func bareExec(ctx context.Context, bootstrap, dir string, env []string, payload []byte, n int) (bareFloor, error) {
	var floor bareFloor
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return floor, err
	}
	type stamps struct{ next, response chan time.Time }
	var mu sync.Mutex
	var cur *stamps
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		mu.Lock()
		st := cur
		mu.Unlock()
		if st == nil {
			<-r.Context().Done()
			return
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/invocation/next"):
			select {
			case st.next <- at:
			default: // a second /next after the response: hold it until the runtime dies
				<-r.Context().Done()
				return
			}
			h := w.Header()
			h.Set("Lambda-Runtime-Aws-Request-Id", "00000000-0000-0000-0000-000000000001")
			h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
			h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bare")
			h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000001;Sampled=0")
			h.Set("Content-Type", "application/json")
			_, _ = w.Write(payload)
		case strings.HasSuffix(r.URL.Path, "/response") || strings.HasSuffix(r.URL.Path, "/error"):
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"status":"OK"}`))
			select {
			case st.response <- at:
			default:
			}
		default:
			http.NotFound(w, r)
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	env = append(env, "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String())
	for range n {
		st := &stamps{next: make(chan time.Time, 1), response: make(chan time.Time, 1)}
		mu.Lock()
		cur = st
		mu.Unlock()
		// The same pause as before each timed cold invoke: both starts
		// meet a machine that has been quiet for as long.
		settle()
		cmd := exec.CommandContext(ctx, bootstrap)
		cmd.Dir, cmd.Env = dir, env
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return floor, fmt.Errorf("exec %s: %w", bootstrap, err)
		}
		var next, resp time.Time
		timeout := time.After(10 * time.Second)
		for resp.IsZero() {
			select {
			case next = <-st.next:
			case resp = <-st.response:
			case <-timeout:
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				return floor, fmt.Errorf("%s did not answer one event within 10 s", bootstrap)
			}
		}
		if next.IsZero() {
			next = <-st.next
		}
		floor.ToNext = append(floor.ToNext, next.Sub(t0))
		floor.ToResponse = append(floor.ToResponse, resp.Sub(t0))
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	return floor, nil
}
