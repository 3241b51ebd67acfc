package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// soakSize is the reduced soak of `make test` (3000 invokes from 20
// clients); SOAK_INVOKES and SOAK_CONCURRENCY raise it (make soak: 100000
// from 100).
func soakSize() (invokes, concurrency int) {
	invokes, concurrency = 3000, 20
	if n, err := strconv.Atoi(os.Getenv("SOAK_INVOKES")); err == nil && n > 0 {
		invokes = n
	}
	if n, err := strconv.Atoi(os.Getenv("SOAK_CONCURRENCY")); err == nil && n > 0 {
		concurrency = n
	}
	return invokes, concurrency
}

// soakFault is one kind of invoke in the mix and the answer it must get.
type soakFault struct {
	fn        string // "" for Medium (Timeout: 30)
	payload   string
	errorType string // "" for success
	body      string // the exact success payload
}

// 95% plain echoes, 5% faults: handler errors, panics and exits mid-invoke;
// and one invoke in 500 sleeps past Faulty's 1 s timeout.
func soakMix(i int) soakFault {
	if i%500 == 499 {
		return soakFault{fn: "Faulty", payload: `{"sleep_ms":2000}`, errorType: "Sandbox.Timedout"}
	}
	switch i % 100 {
	case 17, 58:
		return soakFault{payload: `{"error":"boom"}`, errorType: "errorString"}
	case 33, 81:
		return soakFault{payload: `{"panic":"oops"}`, errorType: "string"}
	case 66:
		return soakFault{payload: `{"exit":3}`, errorType: "Runtime.ExitError"}
	}
	v := strconv.Itoa(i)
	return soakFault{payload: `{"echo":` + v + `}`, body: v}
}

// The soak: thousands of invokes from concurrent clients with 5% faults and
// some timeouts. Every invoke gets exactly one answer, the one its fault
// deserves; environments never exceed the concurrency; serve's memory stays
// flat after warm-up; and nothing is left behind.
func TestSoak(t *testing.T) {
	n, concurrency := soakSize()
	s := startServe(t, "--quiet")
	url := func(fn string) string { return s.url + "/2015-03-31/functions/" + fn + "/invocations" }
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}

	run := func(from, to int) []error {
		var mu sync.Mutex
		var errs []error
		next := make(chan int)
		var wg sync.WaitGroup
		for range concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					if err := soakOne(client, url, i); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
			}()
		}
		for i := from; i < to; i++ {
			next <- i
		}
		close(next)
		wg.Wait()
		return errs
	}

	warm := n / 5
	if errs := run(0, warm); len(errs) > 0 {
		t.Fatalf("%d of %d warm-up invokes got the wrong answer; first: %v", len(errs), warm, errs[0])
	}
	rssWarm := rssKB(t, s.cmd.Process.Pid)
	if errs := run(warm, n); len(errs) > 0 {
		t.Fatalf("%d of %d invokes got the wrong answer; first: %v", len(errs), n-warm, errs[0])
	}
	rssEnd := rssKB(t, s.cmd.Process.Pid)
	h := s.health()
	// About one environment per client; a few more when a loaded machine
	// keeps a runtime from asking for its next invoke within the platform's
	// wait (Lambda too may start more than the concurrency), never a runaway.
	if envs := h["environments"].(float64); envs > float64(2*concurrency) {
		t.Errorf("%v environments for %d concurrent clients", envs, concurrency)
	}
	pids := s.runtimePIDs()
	// Fewer is fine: an environment whose runtime crashed re-inits on its
	// next invoke, as on Lambda.
	if float64(len(pids)) > h["environments"].(float64) {
		t.Errorf("%d runtime processes for %v environments: a leak", len(pids), h["environments"])
	}
	// Flat, within what the race detector's own bookkeeping adds: keeping
	// each invoke's log or result would grow it by far more.
	if grew := rssEnd - rssWarm; grew > 64<<10 {
		t.Errorf("serve's RSS grew %d KB over %d invokes after warm-up (%d → %d KB)", grew, n-warm, rssWarm, rssEnd)
	}
	t.Logf("%d invokes, %d faults (%d of them timeouts), %v environments; serve RSS %d KB after warm-up, %d KB at the end",
		n, n*5/100+n/500, n/500, h["environments"], rssWarm, rssEnd)
	s.stop()
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("runtime %d outlived serve", pid)
		}
	}
}

// soakOne invokes once and checks the answer; url gives a function's invoke URL.
func soakOne(client *http.Client, url func(fn string) string, i int) error {
	f := soakMix(i)
	fn := f.fn
	if fn == "" {
		fn = "Medium"
	}
	resp, err := client.Post(url(fn), "application/json", bytes.NewReader([]byte(f.payload)))
	if err != nil {
		return fmt.Errorf("invoke %d: %w", i, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("invoke %d %s: status %d %s", i, f.payload, resp.StatusCode, body)
	}
	if f.errorType == "" {
		if resp.Header.Get("X-Amz-Function-Error") != "" || string(body) != f.body {
			return fmt.Errorf("invoke %d %s: %s (function error %q)", i, f.payload, body, resp.Header.Get("X-Amz-Function-Error"))
		}
		return nil
	}
	var e struct{ ErrorType string }
	if resp.Header.Get("X-Amz-Function-Error") != "Unhandled" || json.Unmarshal(body, &e) != nil || e.ErrorType != f.errorType {
		return fmt.Errorf("invoke %d %s: %s, want errorType %s", i, f.payload, body, f.errorType)
	}
	return nil
}

// rssKB is a process's resident set (VmRSS) in KB.
func rssKB(t *testing.T, pid int) int {
	t.Helper()
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
