package platform

import (
	"bytes"
	"os"
	"sync"
	"syscall"
)

// LogLine is one line of an environment's log stream, as CloudWatch would
// store it.
type LogLine struct {
	Function  string
	Stream    string // log stream name, one per environment
	RequestID string // the invoke the line belongs to; "" between invokes
	Platform  bool   // written by the platform (START, REPORT, …), not the function
	Text      string // without the trailing newline
}

// maxLineBytes splits longer lines, as CloudWatch splits events at 256 KB.
const maxLineBytes = 256 << 10

// logPipe reads one environment's stdout and stderr (one pipe, so their
// interleaving survives) and splits it into lines.
//
// drain makes attribution exact: everything a runtime wrote before calling
// /next is already in the pipe when the platform sees that /next, so reading
// the pipe dry at that moment gives the request all of its own lines. drain
// reads the pipe itself rather than asking the reader goroutine to: that
// round trip between goroutines cost every warm invoke two wake-ups.
type logPipe struct {
	r, w *os.File // w is the runtime's stdout and stderr; we keep it for restarts
	rc   syscall.RawConn
	line func(string)

	// mu makes each read syscall and the consumption of what it returned one
	// step, so a drain never sees a pipe emptied by a read whose bytes are not
	// yet lines.
	mu      sync.Mutex
	buf     []byte
	partial []byte
	done    chan struct{}
}

func newLogPipe(line func(string)) (*logPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	rc, err := r.SyscallConn()
	if err != nil {
		_, _ = r.Close(), w.Close()
		return nil, err
	}
	l := &logPipe{r: r, w: w, rc: rc, line: line, buf: make([]byte, 64<<10), done: make(chan struct{})}
	go l.loop()
	return l, nil
}

// loop turns the pipe into lines as bytes arrive, until it is closed. It
// takes mu for one read at a time, so a drain never waits behind a runtime
// that keeps writing.
func (l *logPipe) loop() {
	defer close(l.done)
	_ = l.rc.Read(func(fd uintptr) bool {
		for {
			l.mu.Lock()
			wouldBlock, finished := l.readOnce(int(fd))
			l.mu.Unlock()
			if wouldBlock || finished {
				return finished // not finished: wait until the pipe is readable
			}
		}
	})
	l.mu.Lock()
	l.flushPartial()
	l.mu.Unlock()
}

// readOnce makes one read without waiting and consumes what it returned. It
// reports whether the pipe was empty, or finished (end of file or an error).
// Call it with mu held.
func (l *logPipe) readOnce(fd int) (wouldBlock, finished bool) {
	n, err := syscall.Read(fd, l.buf)
	if n > 0 {
		l.consume(l.buf[:n])
		return false, false
	}
	switch err {
	case syscall.EINTR:
		return false, false
	case syscall.EAGAIN:
		return true, false
	}
	return false, true
}

// drain returns once every byte written to the pipe before the call has been
// turned into lines; a trailing partial line becomes a line of its own.
func (l *logPipe) drain() {
	l.mu.Lock()
	defer l.mu.Unlock()
	_ = l.rc.Control(func(fd uintptr) {
		for {
			if wouldBlock, finished := l.readOnce(int(fd)); wouldBlock || finished {
				return
			}
		}
	})
	l.flushPartial()
}

func (l *logPipe) consume(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.partial = append(l.partial, b...)
			for len(l.partial) >= maxLineBytes {
				l.line(string(l.partial[:maxLineBytes]))
				l.partial = append(l.partial[:0], l.partial[maxLineBytes:]...)
			}
			return
		}
		if len(l.partial) > 0 {
			l.partial = append(l.partial, b[:i]...)
			l.line(string(l.partial))
			l.partial = l.partial[:0]
		} else {
			l.line(string(b[:i]))
		}
		b = b[i+1:]
	}
}

func (l *logPipe) flushPartial() {
	if len(l.partial) > 0 {
		l.line(string(l.partial))
		l.partial = l.partial[:0]
	}
}

// close stops the reader; lines still in the pipe are lost with the environment.
func (l *logPipe) close() {
	_ = l.w.Close()
	_ = l.r.Close()
	<-l.done
}

// requestLog keeps the tail of one invoke's log for LogType Tail.
type requestLog struct {
	buf []byte
}

// maxRequestLog bounds what an invoke keeps; Tail returns only the last 4 KB.
const maxRequestLog = 64 << 10

func (r *requestLog) add(text string) {
	r.buf = append(r.buf, text...)
	r.buf = append(r.buf, '\n')
	if over := len(r.buf) - maxRequestLog; over > 0 {
		r.buf = append(r.buf[:0], r.buf[over:]...)
	}
}
