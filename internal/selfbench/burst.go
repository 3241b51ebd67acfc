package selfbench

import (
	"context"
	"maps"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// Burst is N concurrent invokes of a function whose first invoke in each
// environment sleeps, so that every invoke needs an environment of its own.
type Burst struct {
	N            int           `json:"n"`
	FirstDelay   time.Duration `json:"first_invoke_delay_ns"`
	Timeout      time.Duration `json:"timeout_ns"` // the function's timeout during the burst
	Wall         time.Duration `json:"wall_ns"`    // first request sent → last response read
	Errors       int           `json:"errors"`
	FirstError   string        `json:"first_error,omitempty"`
	Environments int           `json:"environments"` // alive right after the burst
	// PlatformRSS is coldstart's own resident set after the burst, with
	// every environment idle; PlatformGrowth what it grew by during it.
	PlatformRSS    int64 `json:"platform_rss_bytes"`
	PlatformGrowth int64 `json:"platform_growth_bytes"`
	// RuntimeRSS is the resident set summed over the function's runtime
	// processes after the burst, Runtimes how many there were.
	RuntimeRSS int64         `json:"runtime_rss_bytes"`
	Runtimes   int           `json:"runtimes"`
	Teardown   time.Duration `json:"teardown_ns"` // retiring every environment
}

// PerEnvironment is the runtime RSS per idle environment.
func (b *Burst) PerEnvironment() int64 { return b.RuntimeRSS / int64(max(b.N, 1)) }

// PlatformPerEnvironment is the platform's own growth per environment.
func (b *Burst) PlatformPerEnvironment() int64 { return b.PlatformGrowth / int64(max(b.N, 1)) }

// burstTimeout is the function's timeout during a burst.
const burstTimeout = 60 * time.Second

// delayVar makes only an environment's first invoke of the example functions sleep.
const delayVar = "FIRST_INVOKE_DELAY_MS"

// setEnv sets (or, for "", removes) one environment variable of fn. Like any
// configuration update it retires the function's environments.
func setEnv(p *platform.Platform, fn, key, val string) error {
	_, err := p.UpdateFunction(fn, "", func(c *platform.FunctionConfig) error {
		if c.Environment == nil {
			c.Environment = map[string]string{}
		}
		if val == "" {
			delete(c.Environment, key)
		} else {
			c.Environment[key] = val
		}
		return nil
	})
	return err
}

// runBurst sends n invokes at once to url and measures what they cost.
func runBurst(ctx context.Context, p *platform.Platform, fn, url string, n int, delay time.Duration) (*Burst, error) {
	// Thousands of environments starting on a few cores delay each other far
	// more than on Lambda, where each has its own CPU: the function's timeout
	// is lifted so that the burst measures the platform, not that contention.
	_, err := p.UpdateFunction(fn, "", func(c *platform.FunctionConfig) error {
		c.Environment = maps.Clone(c.Environment)
		if c.Environment == nil {
			c.Environment = map[string]string{}
		}
		c.Environment[delayVar] = strconv.Itoa(int(delay / time.Millisecond))
		c.Timeout = burstTimeout
		return nil
	})
	if err != nil {
		return nil, err
	}
	b := &Burst{N: n, FirstDelay: delay, Timeout: burstTimeout}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}, Timeout: time.Minute}
	defer client.CloseIdleConnections()
	self := os.Getpid()
	before := rss(self)

	var (
		wg     sync.WaitGroup
		errs   atomic.Int64
		mu     sync.Mutex
		start  = make(chan struct{})
		ready  sync.WaitGroup
		errMsg string
	)
	for range n {
		ready.Add(1)
		wg.Go(func() {
			ready.Done()
			<-start
			if err := postOnce(client, url); err != nil {
				errs.Add(1)
				mu.Lock()
				if errMsg == "" {
					errMsg = err.Error()
				}
				mu.Unlock()
			}
		})
	}
	ready.Wait()
	t0 := time.Now()
	close(start)
	wg.Wait()
	b.Wall = time.Since(t0)
	b.Errors, b.FirstError = int(errs.Load()), errMsg
	b.Environments = p.Stats().Environments
	client.CloseIdleConnections()

	for _, pid := range runtimesOf(self, fn) {
		b.RuntimeRSS += rss(pid)
		b.Runtimes++
	}
	b.PlatformRSS = rss(self)
	b.PlatformGrowth = b.PlatformRSS - before

	t1 := time.Now()
	p.Retire(fn)
	b.Teardown = time.Since(t1)
	return b, ctx.Err()
}

// runtimesOf lists the runtime processes of fn below pid.
func runtimesOf(pid int, fn string) []int {
	var out []int
	want := "\x00AWS_LAMBDA_FUNCTION_NAME=" + fn + "\x00"
	for _, p := range descendants(pid) {
		env, err := os.ReadFile("/proc/" + strconv.Itoa(p) + "/environ")
		if err == nil && strings.Contains("\x00"+string(env), want) {
			out = append(out, p)
		}
	}
	return out
}
