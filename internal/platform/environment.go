package platform

import (
	"fmt"
	"os/exec"
	"sync"
	"time"

	"github.com/coldstartlab/coldstart/internal/reportlog"
	"github.com/coldstartlab/coldstart/internal/sandbox"
)

// environment is one execution environment: a sandbox, the runtime process
// running in it, and that runtime's own Runtime API listener.
//
// Its lifecycle: created → initialising (first runtime starting) → idle
// (frozen) ⇄ busy → closed. After a timeout or crash the runtime is killed
// but the environment lives on, "reset": the next invoke re-runs init inside
// itself, as Lambda does (lambda-spec.md §3).
type environment struct {
	p      *Platform
	fn     *function
	cfg    FunctionConfig // as of creation; a config change retires environments
	epoch  int            // the function's epoch at creation
	id     string
	stream string

	box    sandbox.Sandbox
	*shell // the Runtime API (api, srv, addr) and the log pipe (logs)
	env    []string

	// Owned by whichever call holds the environment (one at a time).
	exit   <-chan sandbox.Exit // the running runtime's exit; nil when none runs
	gen    uint64              // runtimeapi generation of the running runtime
	ready  bool                // the runtime has initialised and waits in /next
	frozen bool
	// broken environments are closed on release instead of reused: after an
	// out-of-memory kill the sandbox's peak sits at the limit for good.
	broken bool

	// lastUsed is guarded by fn.mu.
	lastUsed time.Time

	logMu   sync.Mutex
	current *call // the call that owns log lines; nil between invokes

	// reportExtra is REPORT's fields beyond Lambda's, the same on every
	// invoke of the environment.
	reportExtra []reportlog.Field
	timer       *time.Timer // the invoke deadline; reused by each call

	closeOnce sync.Once
}

func (p *Platform) newEnvironment(fn *function, cfg FunctionConfig, epoch int) (*environment, error) {
	e := &environment{p: p, fn: fn, cfg: cfg, epoch: epoch, id: newEnvironmentID()}
	e.stream = logStreamName(time.Now(), VersionLatest, e.id)
	box, err := p.backend.New(sandbox.Spec{
		Name:     cfg.Name + "-" + e.id[:12],
		MemoryMB: cfg.MemoryMB,
		CPU:      p.CPUShare(cfg.MemoryMB),
	})
	if err != nil {
		return nil, fmt.Errorf("create sandbox: %w", err)
	}
	e.box = box
	sh, ok := p.shells.Take(struct{}{})
	if !ok {
		if sh, err = newShell(); err != nil {
			_ = box.Close()
			return nil, err
		}
	}
	sh.owner.Store(e)
	e.shell = sh
	e.env = e.environ()
	if p.backend.Capabilities().CPULimit {
		// Not a Lambda field: it says what CPU this local run really had.
		e.reportExtra = []reportlog.Field{{Key: reportlog.FieldCPUShare, Value: fmt.Sprintf("%.3g vCPU", p.CPUShare(cfg.MemoryMB))}}
	}
	return e, nil
}

// deadlineTimer returns the environment's timer set to fire at deadline;
// the caller stops it. Calls hold the environment one at a time, so one
// timer serves them all.
func (e *environment) deadlineTimer(deadline time.Time) *time.Timer {
	if e.timer == nil {
		e.timer = time.NewTimer(time.Until(deadline))
	} else {
		e.timer.Reset(time.Until(deadline))
	}
	return e.timer
}

// startRuntime execs the bootstrap in the sandbox, for a first init or a
// re-init after a reset. It returns when the process was started, the
// moment Init Duration counts from, moved later by any time the sandbox held
// the new process at exec.
func (e *environment) startRuntime() (time.Time, error) {
	e.gen = e.api.Reset()
	e.ready = false
	argv := e.cfg.command()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = e.cfg.CodeDir
	cmd.Env = e.env
	cmd.Stdout = e.logs.w
	cmd.Stderr = e.logs.w
	started := time.Now()
	exit, err := e.box.Start(cmd)
	if err != nil {
		return started, err
	}
	if s, ok := e.box.(startSetup); ok {
		// The runtime's clock starts after the sandbox's own work: Init
		// Duration is the runtime's, the set-up is platform overhead.
		started = started.Add(s.StartSetup())
	}
	e.exit = exit
	return started, nil
}

// startSetup is a sandbox whose Start holds the runtime at exec to set the
// sandbox up (cgroup v1 moves it into its cgroups there); StartSetup is how
// long the last Start held it.
type startSetup interface{ StartSetup() time.Duration }

// killRuntime kills the runtime (and anything it started) and waits until it
// is gone, so the next runtime starts in an empty sandbox.
func (e *environment) killRuntime() {
	e.ready = false
	e.frozen = false
	_ = e.box.Kill()
	if e.exit == nil {
		return
	}
	select {
	case <-e.exit:
	case <-time.After(10 * time.Second):
		// A process stuck in the kernel; the sandbox's Close will try again.
	}
	e.exit = nil
}

// functionLine receives a line the function wrote.
func (e *environment) functionLine(text string) { e.output(text, false) }

// platformLine writes a line of the platform's own (START, REPORT, …).
func (e *environment) platformLine(text string) { e.output(text, true) }

func (e *environment) output(text string, platform bool) {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	requestID := ""
	if c := e.current; c != nil {
		if c.req.Tail { // only LogType Tail returns the lines
			c.log.add(text)
		}
		if c.started {
			requestID = c.id
		}
	}
	if e.p.sink != nil {
		e.p.sink(LogLine{Function: e.cfg.Name, Stream: e.stream, RequestID: requestID, Platform: platform, Text: text})
	}
}

// attach makes c the owner of the lines written from now on (nil detaches).
func (e *environment) attach(c *call) {
	e.logMu.Lock()
	e.current = c
	e.logMu.Unlock()
}

// close kills the runtime and releases everything; safe to call twice and
// from any goroutine.
func (e *environment) close() {
	e.closeOnce.Do(func() {
		e.api.Close() // waiting /next calls answer before the runtime dies
		_ = e.box.Close()
		e.shell.close()
	})
}
