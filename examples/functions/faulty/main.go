// Faulty misbehaves on request, to show how the platform answers each fault
// the way Lambda does. The payload picks the behaviour:
//
//	{"echo": any}            return it
//	{"sleep_ms": 200}        sleep, then return {"slept_ms":200}
//	{"error": "msg"}         return an error (the runtime posts /error)
//	{"panic": "msg"}         panic in the handler
//	{"exit": 3}              exit the process mid-invoke with that status
//	{"print": ["a","b"]}     write lines to stdout (and "stderr: a" to stderr)
//	{"env": "NAME"}          return that environment variable's value
//	{"alloc_mb": 100}        allocate and touch that much memory, then return
//	{"spin_ms": 200}         burn that much CPU time; return CPU and wall time
//	{"ticks": true}          with FAULTY_TICKER=1: how often a 1 ms background
//	                         ticker fired since the previous invoke returned
//	{"response_mb": 7}       return a string of that many MB (over 6 MB: too large)
//	{"log_mb": 5}            write that many MB of log lines, then return
//	{"orphan_s": 60}         start a child process (sleep) that outlives the
//	                         handler; return its pid
//
// Init faults come from the environment, since init runs before any payload:
// FAULTY_INIT=panic|exit|hang with FAULTY_INIT_TIMES=N fails only the first N
// inits, counted in the file FAULTY_STATE_FILE (so a later init succeeds).
//
// FAULTY_RAW=1 replaces aws-lambda-go's loop with the binary's own Runtime API
// client, which adds the faults that library cannot commit (post twice, post
// garbage, never call /next again …): {"raw": "<fault>"}, listed in raw.go.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type request struct {
	AllocMB int             `json:"alloc_mb,omitempty"`
	SpinMS  int             `json:"spin_ms,omitempty"`
	Ticks   bool            `json:"ticks,omitempty"`
	Echo    json.RawMessage `json:"echo,omitempty"`
	SleepMS int             `json:"sleep_ms,omitempty"`
	Error   string          `json:"error,omitempty"`
	Panic   string          `json:"panic,omitempty"`
	Exit    *int            `json:"exit,omitempty"`
	Print   []string        `json:"print,omitempty"`
	Env     string          `json:"env,omitempty"`
	// ResponseMB, LogMB and OrphanS are the faults of issue 10's fault table.
	ResponseMB int `json:"response_mb,omitempty"`
	LogMB      int `json:"log_mb,omitempty"`
	OrphanS    int `json:"orphan_s,omitempty"`
}

// ticks counts the background ticker; lastReturn is its value when the
// previous invoke returned, so the difference is what ran while idle.
var ticks, lastReturn atomic.Int64

func handle(ctx context.Context, req request) (any, error) {
	defer func() { lastReturn.Store(ticks.Load()) }()
	for _, line := range req.Print {
		fmt.Println(line)
		fmt.Fprintln(os.Stderr, "stderr: "+line)
	}
	switch {
	case req.AllocMB > 0:
		return alloc(req.AllocMB), nil
	case req.SpinMS > 0:
		return spin(time.Duration(req.SpinMS) * time.Millisecond), nil
	case req.Ticks:
		return map[string]int64{"idle_ticks": ticks.Load() - lastReturn.Load()}, nil
	case req.SleepMS > 0:
		time.Sleep(time.Duration(req.SleepMS) * time.Millisecond)
		return map[string]int{"slept_ms": req.SleepMS}, nil
	case req.Error != "":
		return nil, errors.New(req.Error)
	case req.Panic != "":
		panic(req.Panic)
	case req.Exit != nil:
		os.Exit(*req.Exit)
	case req.Env != "":
		return os.Getenv(req.Env), nil
	case req.ResponseMB > 0:
		return strings.Repeat("x", req.ResponseMB<<20), nil
	case req.LogMB > 0:
		line := strings.Repeat("log ", 255) + "\n" // 1 KB
		for range req.LogMB << 10 {
			os.Stdout.WriteString(line)
		}
		return map[string]int{"logged_mb": req.LogMB}, nil
	case req.OrphanS > 0:
		child := exec.Command("sleep", strconv.Itoa(req.OrphanS))
		if err := child.Start(); err != nil {
			return nil, err
		}
		go child.Wait() // reap it if it ever ends while we run
		return map[string]int{"orphan_pid": child.Process.Pid}, nil
	case req.Echo != nil:
		return req.Echo, nil
	}
	lc, _ := lambdacontext.FromContext(ctx)
	return map[string]string{"requestId": lc.AwsRequestID}, nil
}

// initFault fails this init if FAULTY_INIT asks for it and the count of
// failed inits recorded in FAULTY_STATE_FILE is below FAULTY_INIT_TIMES.
func initFault() {
	mode := os.Getenv("FAULTY_INIT")
	if mode == "" {
		return
	}
	times, _ := strconv.Atoi(os.Getenv("FAULTY_INIT_TIMES"))
	if file := os.Getenv("FAULTY_STATE_FILE"); file != "" && times > 0 {
		data, _ := os.ReadFile(file)
		n, _ := strconv.Atoi(string(data))
		if n >= times {
			return
		}
		_ = os.WriteFile(file, []byte(strconv.Itoa(n+1)), 0o644)
	}
	switch mode {
	case "panic":
		panic("faulty: init failed on purpose")
	case "exit":
		os.Exit(4)
	case "hang":
		select {}
	}
}

// alloc touches every page of n MB, so all of it is resident.
func alloc(n int) map[string]int {
	b := make([]byte, n<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	runtime.KeepAlive(b)
	return map[string]int{"allocated_mb": n}
}

// spin burns d of this thread's CPU time and says how long that took.
func spin(d time.Duration) map[string]float64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start, cpu0 := time.Now(), threadCPU()
	for threadCPU()-cpu0 < d {
		for i := 0; i < 10000; i++ {
		}
	}
	return map[string]float64{"cpu_ms": float64(threadCPU()-cpu0) / 1e6, "wall_ms": float64(time.Since(start)) / 1e6}
}

func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	initFault()
	if os.Getenv("FAULTY_TICKER") == "1" {
		go func() {
			for range time.Tick(time.Millisecond) {
				ticks.Add(1)
			}
		}()
	}
	if os.Getenv("FAULTY_RAW") == "1" {
		runRaw()
	}
	lambda.Start(handle)
}
