package selfbench

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/coldstartlab/coldstart/internal/lambdaclient"
)

// primeDelay holds each priming invoke long enough for all of them to
// arrive while every environment is busy, so each gets its own.
const primeDelay = 500 * time.Millisecond

// warm measures the loopback floor and warm invokes at every concurrency,
// each floor beside its figure.
func (b *bencher) warm() error {
	o := b.o
	fmt.Fprintln(b.progress, "floor: loopback round trips…")
	echo, err := startEcho(o.EchoCmd[0], o.EchoCmd[1:]...)
	if err != nil {
		return err
	}
	defer echo.stop()
	roundTrips := func() error {
		if err := b.post(echo.url); err != nil {
			return err
		}
		return b.post(echo.url)
	}
	echoPID := func() []int { return []int{echo.cmd.Process.Pid} }
	floor, err := b.closedLoop(FloorWarm, 1, 200, roundTrips, "echo server", echoPID)
	if err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	b.add(floor)

	maxC := 0
	for _, c := range o.Concurrency {
		maxC = max(maxC, c)
	}
	fmt.Fprintf(b.progress, "priming %d environments…\n", maxC)
	if err := b.prime(maxC); err != nil {
		return fmt.Errorf("prime: %w", err)
	}

	fmt.Fprintln(b.progress, "warm invokes…")
	invoke := func() error { return b.post(b.url) }
	runtimes := func() []int { return runtimesOf(os.Getpid(), o.Function) }
	warm, err := b.closedLoop(WarmHTTP, 1, 200, invoke, "runtimes", runtimes)
	if err != nil {
		return fmt.Errorf("warm: %w", err)
	}
	b.add(warm)
	lc, err := lambdaclient.New(b.ctx, lambdaclient.Options{Endpoint: b.s.URL, MaxAttempts: 1})
	if err != nil {
		return err
	}
	warmSDK, err := timeN(o.Warm, 200, func() error {
		_, err := lc.Invoke(b.ctx, &lambda.InvokeInput{FunctionName: aws.String(o.Function), Payload: payload})
		return err
	})
	if err != nil {
		return fmt.Errorf("warm (SDK): %w", err)
	}
	b.add(figure(WarmSDK, warmSDK))

	for _, c := range o.Concurrency {
		if c <= 1 {
			continue // the sequential figures above
		}
		fmt.Fprintf(b.progress, "warm invokes, %d concurrent…\n", c)
		fl, err := b.closedLoop(fmt.Sprintf(floorAt, c), c, 20, roundTrips, "echo server", echoPID)
		if err != nil {
			return fmt.Errorf("floor at %d: %w", c, err)
		}
		f, err := b.closedLoop(fmt.Sprintf(warmAt, c), c, 20, invoke, "runtimes", runtimes)
		if err != nil {
			return fmt.Errorf("warm at %d: %w", c, err)
		}
		b.add(fl)
		b.add(f)
	}
	// The open loop runs on the environments primed above: it measures the
	// generator's schedule, not a cold-start stampede.
	if o.Rate > 0 && o.RateFor > 0 {
		fmt.Fprintf(b.progress, "open loop: %.0f rps for %s, loopback floor then platform…\n", o.Rate, o.RateFor)
		if b.res.OpenLoopFloor, err = runOpenLoop(b.ctx, echo.url, o.Rate, o.RateFor, maxC); err != nil {
			return fmt.Errorf("open loop (floor): %w", err)
		}
		b.res.OpenLoopFloor.Target = "loopback echo"
		if b.res.OpenLoop, err = runOpenLoop(b.ctx, b.url, o.Rate, o.RateFor, maxC); err != nil {
			return fmt.Errorf("open loop: %w", err)
		}
		b.res.OpenLoop.Target = "platform"
	}
	return nil
}

// closedLoop runs o.Warm calls from c clients, after warmup calls per
// client, and makes a figure with throughput and the processor time per
// call of this process and of the other side (named other, its processes
// listed by pids).
func (b *bencher) closedLoop(name string, c, warmup int, f func() error, other string, pids func() []int) (Figure, error) {
	others := pids()
	selfCPU, otherCPU := ownCPU(), cpuOf(others)
	samples, wall, err := timeConcurrent(c, b.o.Warm, warmup, f)
	if err != nil {
		return Figure{}, err
	}
	calls := time.Duration(len(samples) + c*warmup)
	fig := figure(name, samples)
	fig.Concurrency = c
	fig.CPU = []ProcessCPU{
		{Process: "coldstart (client and platform)", PerCall: (ownCPU() - selfCPU) / calls},
		{Process: other, PerCall: (cpuOf(others) - otherCPU) / calls},
	}
	if wall > 0 {
		fig.PerSec = float64(len(samples)) / wall.Seconds()
	}
	return fig, nil
}

// prime starts n environments of the function: n concurrent invokes, each
// held in its environment by a first-invoke delay.
func (b *bencher) prime(n int) error {
	if err := setEnv(b.s.Platform, b.o.Function, delayVar, strconv.Itoa(int(primeDelay/time.Millisecond))); err != nil {
		return err
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = b.post(b.url) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if got := b.s.Platform.Stats().Environments; got < n {
		return fmt.Errorf("%d environments after %d concurrent invokes", got, n)
	}
	return nil
}
