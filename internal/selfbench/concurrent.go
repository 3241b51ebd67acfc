package selfbench

import (
	"sync"
	"sync/atomic"
	"time"
)

// timeConcurrent runs f n times from c clients at once, each starting its
// next call as soon as the last returns (closed loop), after warmup calls per
// client that are not kept. It returns every duration and the wall time of
// the kept calls, from which throughput follows.
func timeConcurrent(c, n, warmup int, f func() error) ([]time.Duration, time.Duration, error) {
	if c <= 1 {
		t0 := time.Now()
		out, err := timeN(n, warmup, f)
		return out, time.Since(t0), err
	}
	var (
		ready, start sync.WaitGroup
		left         atomic.Int64
		mu           sync.Mutex
		out          = make([]time.Duration, 0, n)
		firstErr     error
	)
	left.Store(int64(n))
	start.Add(1)
	var done sync.WaitGroup
	for range c {
		ready.Add(1)
		done.Go(func() {
			for range warmup {
				if err := f(); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					break
				}
			}
			ready.Done()
			start.Wait()
			mine := make([]time.Duration, 0, n/c+1)
			for left.Add(-1) >= 0 {
				t0 := time.Now()
				err := f()
				mine = append(mine, time.Since(t0))
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					left.Store(0)
					break
				}
			}
			mu.Lock()
			out = append(out, mine...)
			mu.Unlock()
		})
	}
	ready.Wait()
	t0 := time.Now()
	start.Done()
	done.Wait()
	return out, time.Since(t0), firstErr
}
