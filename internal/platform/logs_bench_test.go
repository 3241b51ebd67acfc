package platform

import (
	"testing"
)

// BenchmarkLogDrain is the drain every invoke ends with, when the runtime
// wrote one line: it reads the pipe itself, with no round trip to the reader
// goroutine (which cost two wake-ups per invoke).
func BenchmarkLogDrain(b *testing.B) {
	lines := 0
	l, err := newLogPipe(func(string) { lines++ })
	if err != nil {
		b.Fatal(err)
	}
	defer l.close()
	line := []byte("a line the function wrote\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.w.Write(line); err != nil {
			b.Fatal(err)
		}
		l.drain()
	}
	b.StopTimer()
	l.mu.Lock()
	defer l.mu.Unlock()
	if lines != b.N {
		b.Fatalf("%d lines for %d writes", lines, b.N)
	}
}
