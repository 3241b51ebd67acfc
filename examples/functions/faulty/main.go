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
//
// Init faults come from the environment, since init runs before any payload:
// FAULTY_INIT=panic|exit|hang with FAULTY_INIT_TIMES=N fails only the first N
// inits, counted in the file FAULTY_STATE_FILE (so a later init succeeds).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type request struct {
	Echo    json.RawMessage `json:"echo,omitempty"`
	SleepMS int             `json:"sleep_ms,omitempty"`
	Error   string          `json:"error,omitempty"`
	Panic   string          `json:"panic,omitempty"`
	Exit    *int            `json:"exit,omitempty"`
	Print   []string        `json:"print,omitempty"`
	Env     string          `json:"env,omitempty"`
}

func handle(ctx context.Context, req request) (any, error) {
	for _, line := range req.Print {
		fmt.Println(line)
		fmt.Fprintln(os.Stderr, "stderr: "+line)
	}
	switch {
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

func main() {
	initFault()
	lambda.Start(handle)
}
