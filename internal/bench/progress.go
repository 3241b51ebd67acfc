package bench

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Progress shows a run to the person waiting for it.
type Progress interface {
	// Phase starts tracking a phase of total invokes.
	Phase(label string, total int) PhaseProgress
	// Log prints a line (above the bars, on a terminal).
	Log(format string, args ...any)
	// Close stops the display.
	Close()
}

// PhaseProgress tracks one phase.
type PhaseProgress interface {
	Add(s *Sample)
	Status(msg string) // what it is waiting for, when it waits
	Done()
}

// NopProgress shows nothing.
type NopProgress struct{}

// Phase returns a tracker that does nothing.
func (NopProgress) Phase(string, int) PhaseProgress { return nopPhase{} }

// Log does nothing.
func (NopProgress) Log(string, ...any) {}

// Close does nothing.
func (NopProgress) Close() {}

type nopPhase struct{}

func (nopPhase) Add(*Sample)   {}
func (nopPhase) Status(string) {}
func (nopPhase) Done()         {}

// tally counts what a phase has seen.
type tally struct {
	mu               sync.Mutex
	n, errs, cold    int
	start            time.Time
	lastLine, status string
}

func (t *tally) add(s *Sample) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	if !s.OK() {
		t.errs++
	}
	if s.Cold {
		t.cold++
	}
}

func (t *tally) summary(total int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	el := time.Since(t.start)
	rate := float64(t.n) / el.Seconds()
	return fmt.Sprintf("%d/%d in %s (%.1f/s) · %d cold · %d failed", t.n, total, el.Round(time.Millisecond), rate, t.cold, t.errs)
}

// LineProgress prints plain lines, for logs and pipes: a line when a phase
// starts, one every few seconds while it runs, and one when it ends.
type LineProgress struct {
	W     io.Writer
	Every time.Duration // default 5 s
	mu    sync.Mutex
}

// Phase starts a phase.
func (p *LineProgress) Phase(label string, total int) PhaseProgress {
	every := p.Every
	if every == 0 {
		every = 5 * time.Second
	}
	lp := &linePhase{p: p, label: label, total: total, stop: make(chan struct{}), done: make(chan struct{})}
	lp.t.start = time.Now()
	p.Log("%s: %d invokes…", label, total)
	go lp.tick(every)
	return lp
}

// Log prints a line.
func (p *LineProgress) Log(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.W, format+"\n", args...)
}

// Close does nothing: every line is already written.
func (p *LineProgress) Close() {}

type linePhase struct {
	p          *LineProgress
	label      string
	total      int
	t          tally
	stop, done chan struct{}
	once       sync.Once
}

func (lp *linePhase) tick(every time.Duration) {
	defer close(lp.done)
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		select {
		case <-lp.stop:
			return
		case <-tk.C:
			lp.t.mu.Lock()
			status := lp.t.status
			lp.t.mu.Unlock()
			line := lp.t.summary(lp.total)
			if status != "" {
				line += " · " + status
			}
			lp.p.Log("%s: %s", lp.label, line)
		}
	}
}

func (lp *linePhase) Add(s *Sample) { lp.t.add(s) }

func (lp *linePhase) Status(msg string) {
	lp.t.mu.Lock()
	lp.t.status = msg
	lp.t.mu.Unlock()
}

func (lp *linePhase) Done() {
	lp.once.Do(func() {
		close(lp.stop)
		<-lp.done
		lp.p.Log("%s: done, %s", lp.label, lp.t.summary(lp.total))
	})
}

// BarProgress draws a bar per phase on a terminal: count, rate and ETA.
type BarProgress struct {
	p *mpb.Progress
}

// NewBarProgress draws on w, which should be a terminal (it draws with
// cursor movements whatever w is).
func NewBarProgress(w io.Writer) *BarProgress {
	// The container width is the line width when w is not a terminal; on a
	// terminal its own width wins. The bar itself is 32 cells either way.
	return &BarProgress{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(160), mpb.WithRefreshRate(120*time.Millisecond), mpb.WithAutoRefresh())}
}

// Phase adds a bar.
func (b *BarProgress) Phase(label string, total int) PhaseProgress {
	bp := &barPhase{total: total}
	bp.t.start = time.Now()
	bp.bar = b.p.AddBar(int64(total), mpb.BarWidth(32),
		mpb.PrependDecorators(decor.Name(label, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(
			decor.CountersNoUnit("%d/%d", decor.WCSyncSpace),
			decor.AverageSpeed(nil, " %.1f/s", decor.WCSyncSpace),
			// Decorators run inside mpb's render loop: they must use the
			// Statistics given, never call back into the bar (that deadlocks).
			decor.Any(func(st decor.Statistics) string { return bp.extra(st) }, decor.WCSyncSpace),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncSpace), "done"),
		),
	)
	return bp
}

// Log prints a line above the bars.
func (b *BarProgress) Log(format string, args ...any) {
	fmt.Fprintf(b.p, format+"\n", args...)
}

// Close waits for the bars to finish drawing.
func (b *BarProgress) Close() { b.p.Wait() }

type barPhase struct {
	bar   *mpb.Bar
	total int
	t     tally
	once  sync.Once
}

func (bp *barPhase) extra(st decor.Statistics) string {
	bp.t.mu.Lock()
	defer bp.t.mu.Unlock()
	s := fmt.Sprintf("%d cold", bp.t.cold)
	if bp.t.errs > 0 {
		s += fmt.Sprintf(" · %d failed", bp.t.errs)
	}
	if bp.t.status != "" && !st.Completed {
		s += " · " + bp.t.status
	}
	return s
}

func (bp *barPhase) Add(s *Sample) {
	bp.t.add(s)
	bp.bar.Increment()
}

func (bp *barPhase) Status(msg string) {
	bp.t.mu.Lock()
	bp.t.status = msg
	bp.t.mu.Unlock()
}

func (bp *barPhase) Done() {
	bp.once.Do(func() {
		if !bp.bar.Completed() {
			bp.bar.SetTotal(bp.bar.Current(), true) // stopped early: end the bar where it is
		}
	})
}
