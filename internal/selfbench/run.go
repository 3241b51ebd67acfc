package selfbench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/lambdaclient"
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
	Progress io.Writer
	Version  string
	Sandbox  string // auto | cgroup1 | cgroup2 | plain
	NoFreeze bool
}

// Result is one selfbench run.
type Result struct {
	Machine  bench.Host `json:"machine"`
	Sandbox  string     `json:"sandbox"`
	Freeze   bool       `json:"freeze"`
	Function string     `json:"function"`
	Figures  []Figure   `json:"figures"`
}

// Names of the figures, in the order printed.
const (
	FloorWarm  = "loopback floor: 2 HTTP round trips between processes"
	WarmHTTP   = "warm invoke, plain HTTP client"
	WarmSDK    = "warm invoke, aws-sdk-go-v2 client"
	FloorCold  = "bare exec of the bootstrap → first /next"
	ColdClient = "cold invoke, client-observed"
	ColdInit   = "cold invoke: Init Duration (REPORT)"
	ColdPlat   = "cold invoke: platform overhead before exec"
)

var payload = []byte(`"hi"`)

// Run measures everything in one go.
func Run(ctx context.Context, o Options) (*Result, error) {
	progress := o.Progress
	if progress == nil {
		progress = io.Discard
	}
	s, err := local.Start(ctx, local.Options{Template: o.Template, Version: o.Version, Sandbox: o.Sandbox, NoFreeze: o.NoFreeze})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	cfg, ok := s.Platform.Function(o.Function)
	if !ok {
		return nil, fmt.Errorf("function %s is not in %s", o.Function, o.Template)
	}
	res := &Result{Machine: bench.CurrentHost(), Sandbox: s.Platform.Sandbox().Name(), Function: o.Function, Freeze: !o.NoFreeze}
	add := func(name string, samples []time.Duration) {
		res.Figures = append(res.Figures, figure(name, samples))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	post := func(url string) error { return postOnce(client, url) }

	fmt.Fprintln(progress, "floor: loopback round trips…")
	echo, err := startEcho(o.EchoCmd[0], o.EchoCmd[1:]...)
	if err != nil {
		return nil, err
	}
	floor, err := timeN(o.Warm, 200, func() error {
		if err := post(echo.url); err != nil {
			return err
		}
		return post(echo.url)
	})
	echo.stop()
	if err != nil {
		return nil, fmt.Errorf("floor: %w", err)
	}
	add(FloorWarm, floor)

	fmt.Fprintln(progress, "warm invokes…")
	url := s.URL + "/2015-03-31/functions/" + o.Function + "/invocations"
	warm, err := timeN(o.Warm, 200, func() error { return post(url) })
	if err != nil {
		return nil, fmt.Errorf("warm: %w", err)
	}
	add(WarmHTTP, warm)
	lc, err := lambdaclient.New(ctx, lambdaclient.Options{Endpoint: s.URL, MaxAttempts: 1})
	if err != nil {
		return nil, err
	}
	warmSDK, err := timeN(o.Warm, 200, func() error {
		_, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(o.Function), Payload: payload})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("warm (SDK): %w", err)
	}
	add(WarmSDK, warmSDK)

	fmt.Fprintln(progress, "bare exec…")
	bare, err := bareExec(ctx, cfg.Bootstrap, cfg.CodeDir, []string{"PATH=" + os.Getenv("PATH"), "TZ=:UTC"}, o.Cold)
	if err != nil {
		return nil, fmt.Errorf("bare exec: %w", err)
	}
	add(FloorCold, bare)

	fmt.Fprintln(progress, "cold invokes…")
	var cold []time.Duration
	for range o.Cold {
		s.Platform.Retire(o.Function) // untimed: the previous environment goes first
		t0 := time.Now()
		if err := post(url); err != nil {
			return nil, fmt.Errorf("cold: %w", err)
		}
		cold = append(cold, time.Since(t0))
	}
	add(ColdClient, cold)
	var inits, overheads []time.Duration
	for range o.Cold {
		s.Platform.Retire(o.Function)
		r, err := s.Platform.Invoke(ctx, platform.Request{Function: o.Function, Payload: payload, Tail: true})
		if err != nil {
			return nil, fmt.Errorf("cold: %w", err)
		}
		if !r.Cold || r.FunctionError != "" {
			return nil, fmt.Errorf("cold invoke was not a clean cold start: cold=%v error=%s", r.Cold, r.FunctionError)
		}
		inits = append(inits, r.InitDuration)
		overheads = append(overheads, r.PlatformOverhead)
	}
	add(ColdInit, inits)
	add(ColdPlat, overheads)
	return res, nil
}

func postOnce(c *http.Client, url string) error {
	resp, err := c.Post(url, "application/json", bytes.NewReader(payload))
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" {
		return fmt.Errorf("POST %s: %s %s", url, resp.Status, resp.Header.Get("X-Amz-Function-Error"))
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
