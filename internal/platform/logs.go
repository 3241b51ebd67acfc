package platform

import (
	"bytes"
	"errors"
	"os"
	"sync"
	"syscall"
	"time"
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
// the pipe dry at that moment gives the request all of its own lines.
type logPipe struct {
	r, w *os.File // w is the runtime's stdout and stderr; we keep it for restarts
	line func(string)

	partial []byte
	syncMu  sync.Mutex
	synced  chan struct{}
	done    chan struct{}
}

func newLogPipe(line func(string)) (*logPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	l := &logPipe{r: r, w: w, line: line, synced: make(chan struct{}), done: make(chan struct{})}
	go l.loop()
	return l, nil
}

func (l *logPipe) loop() {
	defer close(l.done)
	buf := make([]byte, 64<<10)
	for {
		n, err := l.r.Read(buf)
		if n > 0 {
			l.consume(buf[:n])
		}
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded):
			// Only drain sets a deadline: read what is buffered, then report back.
			_ = l.r.SetReadDeadline(time.Time{})
			l.readBuffered(buf)
			l.flushPartial()
			l.synced <- struct{}{}
		default:
			l.flushPartial()
			return
		}
	}
}

// readBuffered reads without waiting until the pipe is empty.
func (l *logPipe) readBuffered(buf []byte) {
	rc, err := l.r.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Read(func(fd uintptr) bool {
		for {
			n, err := syscall.Read(int(fd), buf)
			if n > 0 {
				l.consume(buf[:n])
				continue
			}
			if err == syscall.EINTR {
				continue
			}
			return true // EAGAIN (empty), EOF or an error: done either way
		}
	})
}

// drain returns once every byte written to the pipe before the call has been
// turned into lines; a trailing partial line becomes a line of its own.
func (l *logPipe) drain() {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	select {
	case <-l.done:
		return
	default:
	}
	_ = l.r.SetReadDeadline(time.Unix(1, 0)) // wakes the reader at once
	select {
	case <-l.synced:
	case <-l.done:
	}
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
