package platform

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coldstartlab/coldstart/internal/runtimeapi"
	"github.com/coldstartlab/coldstart/internal/sandbox"
	"github.com/coldstartlab/coldstart/internal/spare"
)

// Platform runs functions. It is safe for concurrent use.
type Platform struct {
	backend     sandbox.Backend
	limit       int64
	idleTimeout time.Duration
	initTimeout time.Duration
	region      string
	account     string
	sink        func(LogLine)
	freeze      bool
	credentials map[string]string
	toolVersion string
	cpuScale    float64
	hostCPUs    float64

	mu        sync.Mutex
	functions map[string]*function
	updateMu  sync.Mutex // serialises UpdateFunction's read-modify-write

	// Admission: a function with reserved concurrency runs at most that
	// many invokes and nobody else can use them; all other functions share
	// what is left of the limit (lambda-spec.md §7).
	admitMu          sync.Mutex
	reservedSum      int64 // Σ reserved concurrency of all functions
	unreservedActive int64 // invokes in flight counted against the shared pool

	inFlight  atomic.Int64
	finishing atomic.Int64 // answered invokes still holding their environment
	started   atomic.Int64 // environments ever created

	// shells are environments' Runtime API servers and log pipes, made
	// ahead of time like the sandboxes (see shell).
	shells *spare.Pool[struct{}, *shell]

	relMu    sync.Mutex
	released chan struct{} // closed and replaced at every release: a broadcast
	closed   atomic.Bool
	calls    sync.WaitGroup
	stop     chan struct{}
	reaper   sync.WaitGroup
}

// New returns a platform with no functions.
func New(opts ...Option) *Platform {
	p := &Platform{
		backend:     sandbox.NewPlain(),
		limit:       1000,
		idleTimeout: 10 * time.Minute,
		initTimeout: InitTimeout,
		region:      "us-east-1",
		account:     "123456789012",
		freeze:      true,
		toolVersion: "dev",
		cpuScale:    1,
		hostCPUs:    float64(runtime.NumCPU()),
		functions:   map[string]*function{},
		stop:        make(chan struct{}),
		released:    make(chan struct{}),
		shells: spare.New(spare.Delay, func(struct{}) (*shell, error) { return newShell() },
			func(sh *shell) error { sh.close(); return nil }),
	}
	for _, o := range opts {
		o(p)
	}
	p.reaper.Add(1)
	go p.reap()
	return p
}

// Sandbox is the backend environments run in.
func (p *Platform) Sandbox() sandbox.Backend { return p.backend }

// Region is the region runtimes are told they run in.
func (p *Platform) Region() string { return p.region }

// PutFunction adds a function, or replaces one of the same name; replacing
// retires its environments, so the next invoke is cold, as after an update on
// Lambda.
func (p *Platform) PutFunction(cfg FunctionConfig) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	cfg.Environment = maps.Clone(cfg.Environment)
	cfg.LastModified = time.Now().UTC()
	cfg.RevisionID = NewRequestID()
	p.mu.Lock()
	f, ok := p.functions[cfg.Name]
	if !ok {
		p.functions[cfg.Name] = newFunction(cfg)
		p.mu.Unlock()
		return nil
	}
	p.mu.Unlock()
	f.mu.Lock()
	f.cfg = cfg
	f.mu.Unlock()
	p.Retire(cfg.Name) // a new configuration never runs in an old environment
	return nil
}

// ErrRevisionMismatch is returned by UpdateFunction for a stale RevisionID.
var ErrRevisionMismatch = errors.New("revision id does not match")

// UpdateFunction changes a function's configuration atomically: change
// edits a copy, which is validated and put like PutFunction (so the next
// invoke is cold). A non-empty revisionID must match the current revision.
// An error from change leaves the function as it was and is returned.
func (p *Platform) UpdateFunction(name, revisionID string, change func(*FunctionConfig) error) (FunctionConfig, error) {
	p.updateMu.Lock()
	defer p.updateMu.Unlock()
	f := p.function(name)
	if f == nil {
		return FunctionConfig{}, ErrFunctionNotFound
	}
	cfg, _ := f.config()
	if revisionID != "" && revisionID != cfg.RevisionID {
		return FunctionConfig{}, ErrRevisionMismatch
	}
	cfg.Environment = maps.Clone(cfg.Environment)
	if err := change(&cfg); err != nil {
		return FunctionConfig{}, err
	}
	if err := p.PutFunction(cfg); err != nil {
		return FunctionConfig{}, err
	}
	cfg, _ = f.config()
	return cfg, nil
}

// Function returns a function's configuration.
func (p *Platform) Function(name string) (FunctionConfig, bool) {
	f := p.function(name)
	if f == nil {
		return FunctionConfig{}, false
	}
	cfg, _ := f.config()
	return cfg, true
}

// Functions returns every function's configuration, sorted by name.
func (p *Platform) Functions() []FunctionConfig {
	p.mu.Lock()
	names := slices.Sorted(maps.Keys(p.functions))
	fns := make([]*function, len(names))
	for i, n := range names {
		fns[i] = p.functions[n]
	}
	p.mu.Unlock()
	out := make([]FunctionConfig, len(fns))
	for i, f := range fns {
		out[i], _ = f.config()
	}
	return out
}

// MBPerVCPU is the memory size that buys one full vCPU on Lambda.
const MBPerVCPU = 1769

// CPUShare is the share of a CPU an environment of memoryMB gets:
// memoryMB/1769 vCPU, scaled by WithCPUScale, capped at the host's CPUs.
func (p *Platform) CPUShare(memoryMB int) float64 {
	return min(float64(memoryMB)/MBPerVCPU*p.cpuScale, p.hostCPUs)
}

// CPUScale is the factor WithCPUScale set.
func (p *Platform) CPUScale() float64 { return p.cpuScale }

// AccountID is the account in ARNs.
func (p *Platform) AccountID() string { return p.account }

// FunctionARN is the unqualified ARN of a function.
func (p *Platform) FunctionARN(name string) string {
	return "arn:aws:lambda:" + p.region + ":" + p.account + ":function:" + name
}

func (p *Platform) function(name string) *function {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.functions[name]
}

// Invoke runs one invoke, on an idle environment of the function if there is
// one, else on a new one. It returns ErrFunctionNotFound, ErrTooManyRequests
// or ErrShuttingDown when it cannot run the invoke, and any other error only
// when the platform itself failed; a failing function is a Result with
// FunctionError set. The invoke runs to completion even if ctx ends first.
func (p *Platform) Invoke(ctx context.Context, req Request) (*Result, error) {
	received := time.Now()
	if p.closed.Load() {
		return nil, ErrShuttingDown
	}
	f := p.function(req.Function)
	if f == nil {
		return nil, ErrFunctionNotFound
	}
	settle := received.Add(settleWait)
	var throttled error
	admit := func() bool { throttled = p.admit(f); return throttled == nil }
	if _, ok := p.await(settle, admit, func() bool { return p.finishing.Load() > 0 }, nil); !ok {
		return nil, throttled
	}
	c, err := p.place(f, req, received, settle)
	if err != nil {
		p.unadmit(f)
		return nil, err
	}
	p.calls.Add(1)
	go func() {
		defer p.calls.Done()
		c.run()
	}()
	select {
	case o := <-c.respond:
		return o.res, o.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// settleWait is how long an invoke waits for an environment that has
// answered but not yet completed its previous invoke. A runtime calls /next
// a fraction of a millisecond after responding, but on loopback a client can
// re-invoke even sooner, which the network between a client and AWS never
// allows; without the wait a sequential client meets spurious cold starts and
// 429s. The bound is generous because a loaded machine (CI running several
// test packages under the race detector) was seen to stall a healthy runtime
// for over 100 ms between its response and its /next; a runtime that works
// longer after responding gets a new environment, as on AWS.
const settleWait = 500 * time.Millisecond

// await retries ok until it succeeds, while pending says an environment
// release could change the answer, until the deadline. An environment
// arriving on handoff (nil: none can) ends the wait too and is returned.
func (p *Platform) await(deadline time.Time, ok, pending func() bool, handoff <-chan *environment) (*environment, bool) {
	var timer *time.Timer
	for {
		p.relMu.Lock()
		released := p.released // taken before the check, so no release is missed
		p.relMu.Unlock()
		if ok() {
			return nil, true
		}
		wait := time.Until(deadline)
		if !pending() || wait <= 0 {
			// A release between ok() and pending() both frees what ok
			// wanted and ends what pending saw: look again, or a waiter
			// could answer 429 with the slot already free.
			select {
			case <-released:
				if wait > 0 {
					continue
				}
				return nil, ok()
			default:
				return nil, false
			}
		}
		if timer == nil {
			timer = time.NewTimer(wait)
			defer timer.Stop()
		}
		select {
		case e := <-handoff:
			return e, true
		case <-released:
		case <-timer.C:
			return nil, ok()
		}
	}
}

// place picks the environment for an invoke: the warmest idle one, or one
// about to become idle, or a new one.
func (p *Platform) place(f *function, req Request, received, settle time.Time) (*call, error) {
	cfg, epoch := f.config()
	var e *environment // idle environments are always of the current epoch
	if handed, _ := p.await(settle, func() bool { e = f.takeIdle(); return e != nil },
		func() bool { return f.finishingCount() > 0 }, f.handoff); handed != nil {
		e = handed
	}
	cold := e == nil
	if cold {
		var err error
		if e, err = p.newEnvironment(f, cfg, epoch); err != nil {
			return nil, fmt.Errorf("start environment: %w", err)
		}
		f.mu.Lock()
		f.all[e] = struct{}{}
		f.mu.Unlock()
		p.started.Add(1)
		if p.closed.Load() { // Close ran while we built it
			p.discard(e)
			return nil, ErrShuttingDown
		}
	}
	id := req.RequestID
	if id == "" {
		id = NewRequestID()
	}
	arn := req.InvokedARN
	if arn == "" {
		arn = p.FunctionARN(cfg.Name)
	}
	trace := req.TraceID
	if trace == "" {
		trace = newTraceID(received)
	}
	c := &call{
		p: p, e: e, req: req, id: id, cold: cold, received: received,
		respond: make(chan outcome, 1),
		inv: runtimeapi.Invocation{
			RequestID: id, FunctionARN: arn, TraceID: trace,
			ClientContext: req.ClientContext, CognitoIdentity: req.CognitoIdentity,
			ContentType: req.ContentType, Payload: req.Payload,
		},
	}
	c.result.RequestID = id
	c.result.Cold = cold
	c.result.EnvironmentID = e.id
	return c, nil
}

// admit takes a concurrency slot for an invoke of f: one of its reserved
// slots, or one of the shared pool. It returns the throttling error otherwise.
func (p *Platform) admit(f *function) error {
	p.admitMu.Lock()
	defer p.admitMu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reserved >= 0 {
		if f.active >= f.reserved {
			return ErrReservedConcurrency
		}
	} else {
		if p.unreservedActive >= p.limit-p.reservedSum {
			return ErrTooManyRequests
		}
		p.unreservedActive++
		f.activeUnreserved++
	}
	f.active++
	p.inFlight.Add(1)
	return nil
}

// unadmit gives back the slot admit took for an invoke of f. Slots are
// fungible within a function, so one taken from the shared pool before a
// reservation was set is returned there first.
func (p *Platform) unadmit(f *function) {
	p.admitMu.Lock()
	f.mu.Lock()
	f.active--
	if f.activeUnreserved > 0 {
		f.activeUnreserved--
		p.unreservedActive--
	}
	f.mu.Unlock()
	p.admitMu.Unlock()
	p.inFlight.Add(-1)
}

// MinUnreserved is how much of the concurrency limit reservations must leave
// to the functions without one: 100 on Lambda, or a tenth of a smaller
// local limit.
func (p *Platform) MinUnreserved() int64 { return min(100, p.limit/10) }

// ConcurrencyLimit is the account's limit on concurrent invokes.
func (p *Platform) ConcurrencyLimit() int64 { return p.limit }

// ErrUnreservedTooLow is returned by SetReservedConcurrency when the
// reservation would leave less than MinUnreserved to everyone else.
var ErrUnreservedTooLow = errors.New("reservation leaves too little unreserved concurrency")

// SetReservedConcurrency reserves n concurrent invokes for a function (0
// throttles every invoke); n < 0 removes the reservation.
func (p *Platform) SetReservedConcurrency(name string, n int64) error {
	f := p.function(name)
	if f == nil {
		return ErrFunctionNotFound
	}
	p.admitMu.Lock()
	defer p.admitMu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	others := p.reservedSum - max(f.reserved, 0)
	if n >= 0 && p.limit-(others+n) < p.MinUnreserved() {
		return ErrUnreservedTooLow
	}
	f.reserved = max(n, -1)
	p.reservedSum = others + max(n, 0)
	return nil
}

// ReservedConcurrency is a function's reservation; ok is false when it has none.
func (p *Platform) ReservedConcurrency(name string) (n int64, ok bool) {
	f := p.function(name)
	if f == nil {
		return 0, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reserved, f.reserved >= 0
}

// DeleteFunction removes a function: it is gone for new invokes at once,
// its idle environments are shut down, and busy ones when their invoke ends.
func (p *Platform) DeleteFunction(name string) error {
	p.mu.Lock()
	f, ok := p.functions[name]
	delete(p.functions, name)
	p.mu.Unlock()
	if !ok {
		return ErrFunctionNotFound
	}
	p.admitMu.Lock()
	f.mu.Lock()
	p.reservedSum -= max(f.reserved, 0)
	f.reserved = -1
	f.mu.Unlock()
	p.admitMu.Unlock()
	closeAll(f.retire())
	return nil
}

// release returns an environment after an invoke; finishing says the
// invoke was counted as answered-but-not-complete. An environment that may
// serve again goes straight to an invoke of the same function waiting in
// place, if one is receiving at this moment, unfrozen: Lambda too answers a
// /next at once when an event is queued, so the next invoke skips the
// freeze, the thaw and the trip through the idle list. Otherwise it is
// frozen (if freezing is on) and joins the idle list, or is closed.
func (p *Platform) release(e *environment, finishing bool) {
	f := e.fn
	f.mu.Lock()
	if finishing && e.epoch == f.epoch {
		f.finishing-- // together with the hand-over or append below: waiters see one or the other
	}
	_, member := f.all[e]
	keep := member && e.epoch == f.epoch && !e.broken && !p.closed.Load()
	handed := false
	if keep && e.ready {
		select {
		case f.handoff <- e: // the waiter never holds f.mu while it receives
			handed = true
		default:
		}
	}
	if !handed && e.ready && p.freeze {
		e.frozen = e.box.Freeze() == nil
	}
	switch {
	case handed:
		e.lastUsed = time.Now()
	case keep:
		e.lastUsed = time.Now()
		f.idle = append(f.idle, e)
	default:
		delete(f.all, e)
	}
	f.mu.Unlock()
	// Free the concurrency slot before saying nothing is finishing, or a
	// waiter could see neither and answer 429.
	p.unadmit(f)
	if finishing {
		p.finishing.Add(-1)
	}
	p.broadcastRelease()
	if !keep {
		e.close()
	}
}

// broadcastRelease wakes everything waiting in await for a release.
func (p *Platform) broadcastRelease() {
	p.relMu.Lock()
	close(p.released)
	p.released = make(chan struct{})
	p.relMu.Unlock()
}

// markFinishing counts an answered invoke whose environment is still busy.
// The function counts it only if the environment can return to its pool.
func (p *Platform) markFinishing(e *environment) {
	f := e.fn
	f.mu.Lock()
	if e.epoch == f.epoch {
		f.finishing++
	}
	f.mu.Unlock()
	p.finishing.Add(1)
}

func (p *Platform) discard(e *environment) {
	f := e.fn
	f.mu.Lock()
	delete(f.all, e)
	f.mu.Unlock()
	e.close()
}

// Retire shuts down a function's idle environments; busy ones follow when
// their invoke ends if the configuration changed.
func (p *Platform) Retire(name string) {
	if f := p.function(name); f != nil {
		closeAll(f.retire())
	}
}

func closeAll(envs []*environment) {
	var wg sync.WaitGroup
	for _, e := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.close()
		}()
	}
	wg.Wait()
}

// reap reclaims environments idle for longer than the idle timeout.
func (p *Platform) reap() {
	defer p.reaper.Done()
	tick := min(max(p.idleTimeout/4, 10*time.Millisecond), 30*time.Second)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			p.mu.Lock()
			fns := slices.Collect(maps.Values(p.functions))
			p.mu.Unlock()
			for _, f := range fns {
				closeAll(f.expired(now.Add(-p.idleTimeout)))
			}
		}
	}
}

// Stats counts environments.
type Stats struct {
	Functions    int
	Environments int   // alive now
	Busy         int64 // invokes in flight
	Started      int64 // environments ever started
}

// Stats returns current counts.
func (p *Platform) Stats() Stats {
	p.mu.Lock()
	fns := slices.Collect(maps.Values(p.functions))
	p.mu.Unlock()
	s := Stats{Functions: len(fns), Busy: p.inFlight.Load(), Started: p.started.Load()}
	for _, f := range fns {
		f.mu.Lock()
		s.Environments += len(f.all)
		f.mu.Unlock()
	}
	return s
}

// Close kills every environment, answers in-flight invokes with
// ErrShuttingDown, and waits until every runtime process is gone.
func (p *Platform) Close() error {
	if p.closed.Swap(true) {
		return nil
	}
	close(p.stop)
	p.reaper.Wait()
	p.mu.Lock()
	fns := slices.Collect(maps.Values(p.functions))
	p.mu.Unlock()
	for _, f := range fns {
		closeAll(f.everything())
	}
	p.calls.Wait()
	_ = p.shells.Close() // a shell's close has nothing to report
	return p.backend.Close()
}

func (p *Platform) runtimeVersionARN(runtime string) string {
	sum := sha256.Sum256([]byte(runtime + "/coldstart/" + p.toolVersion))
	return "arn:aws:lambda:" + p.region + "::runtime:" + hex.EncodeToString(sum[:])
}
