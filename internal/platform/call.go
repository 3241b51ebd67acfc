package platform

import (
	"errors"
	"fmt"
	"time"

	"github.com/coldstartlab/coldstart/internal/codezip"
	"github.com/coldstartlab/coldstart/internal/reportlog"
	"github.com/coldstartlab/coldstart/internal/runtimeapi"
	"github.com/coldstartlab/coldstart/internal/sandbox"
)

// call is one invoke running on one environment. Its run method owns the
// environment from acquisition to release.
type call struct {
	p        *Platform
	e        *environment
	req      Request
	id       string
	cold     bool
	received time.Time

	inv     runtimeapi.Invocation
	log     requestLog
	started bool // START written; later lines carry the request id

	initDuration time.Duration // successful on-demand init, reported in REPORT
	start, end   time.Time     // Duration's bounds
	status       string        // REPORT Status: "", timeout or error
	errorType    string        // REPORT Error Type
	oom          bool

	answered  bool
	finishing bool // answered early; counted in function.finishing until release
	result    Result
	respond   chan outcome
	sent      bool
}

type outcome struct {
	res *Result
	err error
}

func (c *call) run() {
	e := c.e
	e.attach(c)
	if c.cold {
		c.initPhase()
	}
	c.start = time.Now()
	deadline := c.start.Add(e.cfg.Timeout)
	if e.ready {
		select {
		case <-e.exit: // the runtime died while idle: the environment is reset
			e.exit = nil
			e.killRuntime()
		default:
		}
	}
	if e.ready || !c.p.closed.Load() && c.initInInvoke(deadline) {
		c.begin()
		c.inv.Deadline = deadline
		if e.frozen {
			_ = e.box.Thaw()
			e.frozen = false
		}
		e.api.Invoke(&c.inv)
		c.await(deadline)
	}
	c.finish()
}

// begin writes START: from here on the function's lines are this request's.
func (c *call) begin() {
	c.e.platformLine(reportlog.Start(c.id, VersionLatest))
	c.e.logMu.Lock()
	c.started = true
	c.e.logMu.Unlock()
}

// initPhase runs the on-demand init of a new environment (up to 10 s).
// A failure is logged as INIT_REPORT; the invoke then re-runs init inside
// itself, as Lambda does.
func (c *call) initPhase() {
	e := c.e
	e.platformLine(reportlog.InitStart(runtimeVersion(e.cfg.Runtime, c.p.toolVersion), c.p.runtimeVersionARN(e.cfg.Runtime)))
	t0, out := c.startAndAwaitInit(time.Now().Add(c.p.initTimeout))
	c.result.PlatformOverhead = t0.Sub(c.received)
	if out.ready {
		c.initDuration = out.at.Sub(t0)
		return
	}
	status := reportlog.StatusError
	if out.timedOut {
		status = reportlog.StatusTimeout
	}
	e.platformLine(reportlog.InitReport{
		InitDurationMS: reportlog.Millis(out.at.Sub(t0)), Phase: reportlog.PhaseInit,
		Status: status, ErrorType: out.errorType,
	}.String())
}

// initInInvoke re-runs init inside the invoke (a "suppressed init": no
// INIT_START, no Init Duration, its time counts in Duration). It reports
// whether the runtime is ready; if not, the call has its answer.
func (c *call) initInInvoke(deadline time.Time) bool {
	t0, out := c.startAndAwaitInit(deadline)
	if out.ready {
		return true
	}
	c.end = out.at
	ir := reportlog.InitReport{InitDurationMS: reportlog.Millis(out.at.Sub(t0)), Phase: reportlog.PhaseInvoke,
		Status: reportlog.StatusError, ErrorType: out.errorType}
	if out.timedOut {
		ir.Status, ir.ErrorType = reportlog.StatusTimeout, ""
	}
	c.e.platformLine(ir.String())
	c.begin()
	if out.timedOut {
		c.timedOut()
		return false
	}
	if out.exit != nil {
		c.exited(*out.exit)
		return false
	}
	c.fail(out.errorType, out.body)
	return false
}

// initOutcome is how a runtime's init ended.
type initOutcome struct {
	ready     bool
	timedOut  bool
	at        time.Time
	errorType string
	body      []byte
	exit      *sandbox.Exit // the runtime exited during init
}

func (c *call) startAndAwaitInit(deadline time.Time) (time.Time, initOutcome) {
	e := c.e
	t0, err := e.startRuntime()
	if err != nil {
		msg := fmt.Sprintf("RequestId: %s Error: couldn't start %s: %v", c.id, e.cfg.command()[0], err)
		if e.cfg.Managed == nil {
			// A package without a usable bootstrap: Lambda's own words.
			if berr := (*codezip.BootstrapError)(nil); errors.As(codezip.CheckBootstrap(e.cfg.CodeDir), &berr) {
				msg = berr.InvokeMessage(c.id)
			}
		}
		return t0, initOutcome{at: time.Now(), errorType: "Runtime.InvalidEntrypoint",
			body: runtimeapi.ErrorJSON("Runtime.InvalidEntrypoint", msg)}
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		select {
		case ev := <-e.api.Events():
			if out, done := c.initEvent(ev); done {
				return t0, out
			}
		case ex := <-e.exit:
			e.exit = nil
			// A runtime that posts /init/error and exits: the post came first.
			if out, ok := c.queuedInitError(); ok {
				return t0, out
			}
			e.killRuntime()
			return t0, initOutcome{at: ex.At, errorType: exitErrorType(ex), exit: &ex}
		case <-timer.C:
			e.killRuntime()
			return t0, initOutcome{timedOut: true, at: deadline}
		}
	}
}

// queuedInitError returns an /init/error that was posted before the runtime exited.
func (c *call) queuedInitError() (initOutcome, bool) {
	for {
		select {
		case ev := <-c.e.api.Events():
			if out, done := c.initEvent(ev); done && !out.ready {
				return out, true
			}
		default:
			return initOutcome{}, false
		}
	}
}

func (c *call) initEvent(ev runtimeapi.Event) (initOutcome, bool) {
	if ev.Gen != c.e.gen {
		return initOutcome{}, false
	}
	switch ev.Kind {
	case runtimeapi.EventReady:
		c.e.ready = true
		return initOutcome{ready: true, at: ev.At}, true
	case runtimeapi.EventInitError:
		c.e.killRuntime()
		return initOutcome{at: ev.At, errorType: ev.ErrorType, body: ev.Body}, true
	}
	return initOutcome{}, false
}

// await waits for the invoke to complete, the runtime to die, or the deadline.
func (c *call) await(deadline time.Time) {
	e := c.e
	timer := e.deadlineTimer(deadline)
	defer timer.Stop()
	for {
		select {
		case ev := <-e.api.Events():
			if c.invokeEvent(ev) {
				return
			}
		case ex := <-e.exit:
			e.exit = nil
			if c.drainEvents() {
				// Completed, then died while idle: the environment is reset.
				e.killRuntime()
				return
			}
			c.end = ex.At
			e.killRuntime()
			c.exited(ex)
			return
		case <-timer.C:
			if c.drainEvents() {
				return
			}
			e.killRuntime()
			c.end = deadline
			c.timedOut()
			return
		}
	}
}

// drainEvents handles events already queued; it reports whether one was Done.
// Events are queued before the runtime hears back, so whatever the runtime
// did before it died or the clock ran out is here.
func (c *call) drainEvents() bool {
	for {
		select {
		case ev := <-c.e.api.Events():
			if c.invokeEvent(ev) {
				return true
			}
		default:
			return false
		}
	}
}

func (c *call) invokeEvent(ev runtimeapi.Event) (done bool) {
	if ev.Gen != c.e.gen || ev.RequestID != c.id {
		return false
	}
	switch ev.Kind {
	case runtimeapi.EventResponse:
		c.answer(ev.Body, "", "")
	case runtimeapi.EventError:
		c.answer(ev.Body, FunctionErrorUnhandled, ev.ErrorType)
		switch ev.ErrorType {
		case runtimeapi.ErrorTypeResponseTooLarge, runtimeapi.ErrorTypeInvalidResponseMode, runtimeapi.ErrorTypeTruncatedResponse:
			// Failures the platform detected, not the handler's: REPORT says so.
			c.status, c.errorType = reportlog.StatusError, ev.ErrorType
		}
	case runtimeapi.EventDone:
		c.end = ev.At
		return true
	}
	return false
}

// exited answers for a runtime that died mid-invoke (lambda-spec.md §3).
func (c *call) exited(ex sandbox.Exit) {
	errType := exitErrorType(ex)
	c.oom = ex.OOM
	if ex.OOM {
		c.e.broken = true // the next invoke gets a new environment
	}
	msg := fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %s", c.id, ex)
	c.e.platformLine(msg)
	c.e.platformLine(errType)
	c.fail(errType, runtimeapi.ErrorJSON(errType, msg))
}

func (c *call) timedOut() {
	c.status = reportlog.StatusTimeout
	msg := fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", c.id, c.e.cfg.Timeout.Seconds())
	c.answer(runtimeapi.ErrorJSON(runtimeapi.ErrorTypeTimeout, msg), FunctionErrorUnhandled, runtimeapi.ErrorTypeTimeout)
}

// fail ends the invoke with a platform-detected error.
func (c *call) fail(errType string, body []byte) {
	c.status, c.errorType = reportlog.StatusError, errType
	c.answer(body, FunctionErrorUnhandled, errType)
}

func exitErrorType(ex sandbox.Exit) string {
	if ex.OOM {
		return runtimeapi.ErrorTypeOutOfMemory
	}
	return runtimeapi.ErrorTypeExit
}

// answer sets what the caller receives; the first answer wins. Without Tail
// the caller gets it now, before END and REPORT, as from Lambda.
func (c *call) answer(payload []byte, functionError, errType string) {
	if c.answered {
		return
	}
	c.answered = true
	c.result.Payload = payload
	c.result.FunctionError = functionError
	c.result.ErrorType = errType
	if !c.req.Tail {
		c.finishing = true
		c.p.markFinishing(c.e)
		c.deliver()
	}
}

func (c *call) deliver() {
	if c.sent {
		return
	}
	c.sent = true
	// A failure caused by Close killing the environment is not the function's.
	if c.result.FunctionError != "" && c.p.closed.Load() {
		c.respond <- outcome{err: ErrShuttingDown}
		return
	}
	res := c.result // a copy: the call goes on writing its own
	c.respond <- outcome{res: &res}
}

// finish writes END and REPORT, freezes the environment and releases it.
func (c *call) finish() {
	e := c.e
	e.logs.drain()
	e.platformLine(reportlog.End(c.id))

	if c.end.IsZero() { // shut down before the runtime could start
		c.end = time.Now()
	}
	duration := c.end.Sub(c.start)
	if c.status == reportlog.StatusTimeout {
		duration = e.cfg.Timeout // Lambda reports exactly the timeout
	}
	rep := reportlog.Report{
		RequestID:       c.id,
		DurationMS:      reportlog.Millis(duration),
		BilledMS:        reportlog.BilledMS(duration, c.initDuration),
		MemorySizeMB:    e.cfg.MemoryMB,
		MaxMemoryUsedMB: reportlog.MB(e.box.PeakMemory()),
		Status:          c.status,
		ErrorType:       c.errorType,
	}
	if c.oom {
		rep.MaxMemoryUsedMB = e.cfg.MemoryMB
	}
	if c.initDuration > 0 {
		rep.HasInit, rep.InitDurationMS = true, reportlog.Millis(c.initDuration)
	}
	rep.Extra = e.reportExtra
	e.platformLine(rep.String())
	e.attach(nil)

	if !c.answered { // cannot happen: every path answers; never leave a caller hanging
		c.fail(runtimeapi.ErrorTypeUnknown, runtimeapi.ErrorJSON(runtimeapi.ErrorTypeUnknown, "RequestId: "+c.id+" Error: no response"))
	}
	c.result.Duration = duration
	c.result.InitDuration = c.initDuration
	c.result.Report = rep
	c.result.Log = c.log.buf
	// Release first: a client that re-invokes the moment it has its answer
	// must find this environment idle, or have it handed over. From here on
	// the environment may be another call's.
	c.p.release(e, c.finishing)
	c.deliver()
}
