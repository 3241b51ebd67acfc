package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/coldstartlab/coldstart/internal/lambdaclient"
	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// binary is the coldstart executable built once for all tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "coldstart-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "coldstart")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "./cmd/coldstart")...)
	build.Dir = "../.."
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build coldstart:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running `coldstart serve`.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	client *lambda.Client
	stdout *lockedBuffer
	stderr *lockedBuffer
	exited chan error
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningRE = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// startServe runs serve on the test template with extra flags and waits
// until it listens. The FAULTY_STATE_FILE of InitPanic points into a fresh
// temporary directory.
func startServe(t *testing.T, flags ...string) *server {
	t.Helper()
	envVars := filepath.Join(t.TempDir(), "env.json")
	state := filepath.Join(t.TempDir(), "init-count")
	writeJSON(t, envVars, map[string]map[string]string{"InitPanic": {"FAULTY_STATE_FILE": state}})
	args := append([]string{"serve", "--template", "testdata/template.yaml", "--listen", "127.0.0.1:0", "--env-vars", envVars}, flags...)
	cmd := exec.Command(binary, args...)
	s := &server{t: t, cmd: cmd, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, exited: make(chan error, 1)}
	cmd.Stdout = s.stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	banner := s.stderr
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			banner.Write([]byte(sc.Text() + "\n"))
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		s.exited <- cmd.Wait()
	}()
	select {
	case s.url = <-urls:
	case err := <-s.exited:
		t.Fatalf("serve exited before listening: %v\n%s", err, banner.String())
	case <-time.After(3 * time.Minute): // the first run builds the functions
		cmd.Process.Kill()
		t.Fatalf("serve did not listen in time\n%s", banner.String())
	}
	t.Cleanup(func() { s.stop() })
	s.client, err = lambdaclient.New(context.Background(), lambdaclient.Options{Endpoint: s.url, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stop sends SIGTERM and waits for serve to exit cleanly.
func (s *server) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		if err != nil {
			s.t.Errorf("serve exited with %v:\n%s", err, s.stderr.String())
		}
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		s.t.Errorf("serve did not exit within 30 s of SIGTERM")
		<-s.exited
	}
	if strings.Contains(s.stderr.String(), "DATA RACE") {
		s.t.Errorf("the race detector found a data race in serve:\n%s", s.stderr.String())
	}
}

// invocation is what one invoke returned, with its decoded log tail.
type invocation struct {
	out       *lambda.InvokeOutput
	requestID string // the x-amzn-RequestId header
	log       string
	report    reportlog.Report
	hasReport bool
}

func (s *server) invoke(fn string, payload string) invocation {
	s.t.Helper()
	inv, err := s.tryInvoke(fn, payload)
	if err != nil {
		s.t.Fatalf("invoke %s %s: %v", fn, payload, err)
	}
	return inv
}

func (s *server) tryInvoke(fn string, payload string) (invocation, error) {
	out, err := s.client.Invoke(context.Background(), &lambda.InvokeInput{
		FunctionName: aws.String(fn), Payload: []byte(payload), LogType: types.LogTypeTail,
	})
	if err != nil {
		return invocation{}, err
	}
	inv := invocation{out: out}
	inv.requestID, _ = awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if out.LogResult != nil {
		b, err := base64.StdEncoding.DecodeString(*out.LogResult)
		if err != nil {
			return inv, fmt.Errorf("log result: %w", err)
		}
		inv.log = string(b)
	}
	for _, line := range strings.Split(inv.log, "\n") {
		if r, err := reportlog.ParseReport(line); err == nil {
			inv.report, inv.hasReport = r, true
		}
	}
	return inv, nil
}

// health reads GET /health.
func (s *server) health() map[string]any {
	s.t.Helper()
	resp, err := http.Get(s.url + "/health")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var h map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		s.t.Fatal(err)
	}
	return h
}

// runtimePIDs lists serve's child processes.
func (s *server) runtimePIDs() []int {
	return childrenOf(s.cmd.Process.Pid)
}

func childrenOf(ppid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: state ppid …
		rest := stat[bytes.LastIndexByte(stat, ')')+2:]
		f := strings.Fields(string(rest))
		if len(f) > 1 && f[1] == strconv.Itoa(ppid) {
			out = append(out, pid)
		}
	}
	return out
}

func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	rest := stat[bytes.LastIndexByte(stat, ')')+2:]
	return len(rest) > 0 && rest[0] != 'Z' && rest[0] != 'X'
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// errorPayload is Lambda's error object.
type errorPayload struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

func decodeError(t *testing.T, payload []byte) errorPayload {
	t.Helper()
	var e errorPayload
	if err := json.Unmarshal(payload, &e); err != nil {
		t.Fatalf("error payload %q: %v", payload, err)
	}
	return e
}
