package selfbench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/local"
	"github.com/coldstartlab/coldstart/internal/platform"
)

// Options configures Run.
type Options struct {
	Template string
	Function string   // a function that answers `"hi"` quickly, e.g. Uppercase
	EchoCmd  []string // command line that runs ServeEcho (the floor's second process)
	Warm     int      // samples per warm figure
	Cold     int      // samples per cold figure
	// Concurrency lists the client counts of the warm figures (default 1, 8, 64).
	Concurrency []int
	Burst       int           // concurrent invokes in the burst (0: no burst)
	BurstDelay  time.Duration // first-invoke delay during the burst (default 1 s)
	Rate        float64       // open-loop requests per second (0: no open-loop run)
	RateFor     time.Duration // open-loop duration
	Progress    io.Writer
	Version     string
	Sandbox     string // auto | cgroup1 | cgroup2 | plain
	NoFreeze    bool
}

// Result is one selfbench run.
type Result struct {
	Machine  bench.Host `json:"machine"`
	Sandbox  string     `json:"sandbox"`
	Freeze   bool       `json:"freeze"`
	Function string     `json:"function"`
	Figures  []Figure   `json:"figures"`
	Burst    *Burst     `json:"burst,omitempty"`
	OpenLoop *OpenLoop  `json:"open_loop,omitempty"`
	// OpenLoopFloor is the same schedule against the loopback echo server.
	OpenLoopFloor *OpenLoop     `json:"open_loop_floor,omitempty"`
	Targets       []Target      `json:"targets"`
	Elapsed       time.Duration `json:"elapsed_ns"`
}

// Names of the figures, in the order printed.
const (
	FloorWarm = "loopback floor: 2 HTTP round trips between processes"
	WarmHTTP  = "warm invoke, plain HTTP client"
	warmAt    = "warm invoke, plain HTTP, %d concurrent clients"
	floorAt   = "loopback floor, %d concurrent clients"
	WarmSDK   = "warm invoke, aws-sdk-go-v2 client"
	FloorCold = "bare exec of the bootstrap → first /next"
	// FloorColdInvoke is the same exec served one event by a stub Runtime
	// API: the whole of a cold invoke with no platform, what a client-observed
	// cold invoke is compared with.
	FloorColdInvoke = "bare exec → its first event answered"
	ColdClient      = "cold invoke, client-observed"
	ColdInit        = "cold invoke: Init Duration (REPORT)"
	ColdPlat        = "cold invoke: platform overhead before exec"
	// ColdDuration is the cold invoke's REPORT Duration: the first event,
	// from its hand-over to the runtime's next /next.
	ColdDuration = "cold invoke: Duration of the first event (REPORT)"
)

var payload = []byte(`"hi"`)

// Run measures everything in one go.
func Run(ctx context.Context, o Options) (*Result, error) {
	began := time.Now()
	progress := o.Progress
	if progress == nil {
		progress = io.Discard
	}
	if len(o.Concurrency) == 0 {
		o.Concurrency = []int{1, 8, 64}
	}
	if o.BurstDelay <= 0 {
		o.BurstDelay = time.Second
	}
	maxC := slices.Max(o.Concurrency)
	s, err := local.Start(ctx, local.Options{
		Template: o.Template, Version: o.Version, Sandbox: o.Sandbox, NoFreeze: o.NoFreeze,
		Functions: []string{o.Function}, ConcurrencyLimit: max(1000, o.Burst, maxC),
	})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	cfg, ok := s.Platform.Function(o.Function)
	if !ok {
		return nil, fmt.Errorf("function %s is not in %s", o.Function, o.Template)
	}
	res := &Result{Machine: bench.CurrentHost(), Sandbox: s.Platform.Sandbox().Name(), Function: o.Function, Freeze: !o.NoFreeze}
	url := s.URL + "/2015-03-31/functions/" + o.Function + "/invocations"
	b := &bencher{ctx: ctx, o: o, s: s, res: res, url: url, progress: progress,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: maxC + 4}}}

	if err := b.warm(); err != nil {
		return nil, err
	}
	// The warm phase primed environments with a first-invoke delay; putting
	// the configuration back retires them, so cold starts begin from nothing.
	restore := func() error {
		_, err := s.Platform.UpdateFunction(o.Function, "", func(c *platform.FunctionConfig) error {
			c.Environment, c.Timeout = maps.Clone(cfg.Environment), cfg.Timeout
			return nil
		})
		return err
	}
	if err := restore(); err != nil {
		return nil, err
	}
	if err := b.cold(cfg); err != nil {
		return nil, err
	}
	if o.Burst > 0 {
		fmt.Fprintf(progress, "burst of %d…\n", o.Burst)
		res.Burst, err = runBurst(ctx, s.Platform, o.Function, url, o.Burst, o.BurstDelay)
		if err != nil {
			return nil, fmt.Errorf("burst: %w", err)
		}
		if err := restore(); err != nil {
			return nil, err
		}
	}
	res.Targets = res.targets()
	res.Elapsed = time.Since(began)
	return res, nil
}

// bencher carries one run's state between its phases.
type bencher struct {
	ctx      context.Context
	o        Options
	s        *local.Server
	res      *Result
	url      string
	client   *http.Client
	progress io.Writer
}

func (b *bencher) add(f Figure) { b.res.Figures = append(b.res.Figures, f) }

func (b *bencher) post(url string) error { return postOnce(b.client, url) }

func postOnce(c *http.Client, url string) error {
	resp, err := c.Post(url, "application/json", bytes.NewReader(payload))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" {
		return fmt.Errorf("POST %s: %s %s %s", url, resp.Status, resp.Header.Get("X-Amz-Function-Error"), body)
	}
	return nil
}

// Get returns the named figure.
func (r *Result) Get(name string) Figure {
	for _, f := range r.Figures {
		if f.Name == name {
			return f
		}
	}
	return Figure{Name: name}
}
