package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// startRawServe runs serve with the faulty functions Small, Medium and Faulty
// in raw mode (FAULTY_RAW=1): their runtime is the binary's own Runtime API
// client, which can break the protocol (examples/functions/faulty/raw.go).
func startRawServe(t *testing.T) *server {
	t.Helper()
	env := filepath.Join(t.TempDir(), "raw-env.json")
	raw := map[string]string{"FAULTY_RAW": "1"}
	writeJSON(t, env, map[string]map[string]string{"Small": raw, "Medium": raw, "Faulty": raw})
	// The last --env-vars wins over startServe's own, which only InitPanic needs.
	return startServe(t, "--env-vars", env)
}

// rawFinding is what the Runtime API answered to one deliberate misstep of
// the raw runtime.
type rawFinding struct {
	Step      string `json:"step"`
	Status    int    `json:"status"`
	Body      string `json:"body"`
	RequestID string `json:"requestId"`
}

// findings asks fn's runtime what the Runtime API answered it so far. The
// runtime keeps them in memory, so an answer proves the invoke ran on the
// same, still warm runtime process.
func (s *server) findings(fn string) ([]rawFinding, invocation) {
	s.t.Helper()
	inv := s.invoke(fn, `{"raw":"findings"}`)
	var f []rawFinding
	if err := json.Unmarshal(inv.out.Payload, &f); err != nil {
		s.t.Fatalf("findings %s: %v\n%s", inv.out.Payload, err, inv.log)
	}
	return f, inv
}

// wantFinding is one expected Runtime API answer: its status and, for an
// error body, its errorType and part of its errorMessage.
type wantFinding struct {
	step       string
	status     int
	errorType  string
	message    string
	redelivers bool // a /next that hands out the faulty invoke again
}

// TestRawRuntime runs every protocol fault of issue 10's fault table on one
// serve (starting serve is most of the cost).
func TestRawRuntime(t *testing.T) {
	s := startRawServe(t)
	// started counts the environments serve has started so far.
	started := func() float64 { return s.health()["started"].(float64) }
	t.Run("faults", func(t *testing.T) { testRawFaults(t, s) })
	t.Run("next twice", func(t *testing.T) {
		before := started()
		testRawNextTwice(t, s)
		if n := started() - before; n != 0 {
			t.Errorf("%v environments started, want none", n)
		}
	})
	t.Run("never calls next", func(t *testing.T) {
		before := started()
		testRawNeverCallsNext(t, s)
		if n := started() - before; n != 1 { // the cold start; the reset re-inits in place
			t.Errorf("%v environments started, want 1", n)
		}
	})
	t.Run("response body never ends", func(t *testing.T) {
		before := started()
		testRawStalledBody(t, s)
		if n := started() - before; n != 0 { // Faulty's environment re-inits in place
			t.Errorf("%v environments started, want none", n)
		}
	})
	t.Run("never calls next holds its environment", func(t *testing.T) {
		before := started()
		testRawNeverCallsNextHoldsEnvironment(t, s)
		if n := started() - before; n != 2 {
			t.Errorf("%v environments started, want 2", n)
		}
	})
}

// Each protocol fault of a runtime gets the Runtime API's answer (checked
// from inside the runtime), the invoke caller gets Lambda's answer, and the
// same runtime process goes on serving warm invokes.
func testRawFaults(t *testing.T, s *server) {
	const transition = "State transition from RuntimeResponseSentState to "
	tests := []struct {
		name, payload     string
		want              string // the exact payload
		functionError     bool   // X-Amz-Function-Error: Unhandled
		status, reportErr string // REPORT Status and Error Type
		findings          []wantFinding
	}{
		// First, on the cold runtime: it posted a response before its first /next.
		{name: "response before the first next", payload: `{"echo":"cold"}`, want: `"cold"`,
			findings: []wantFinding{{step: "before_next", status: 400, errorType: "InvalidRequestID", message: "Invalid request ID"}}},
		{name: "response posted twice", payload: `{"raw":"twice"}`, want: `"first"`,
			findings: []wantFinding{
				{step: "second_response", status: 403, errorType: "InvalidStateTransition", message: transition + "InvocationResponse failed for runtime"},
				{step: "error_after_response", status: 403, errorType: "InvalidStateTransition", message: transition + "InvocationErrorResponse failed for runtime"},
			}},
		{name: "response for an unknown request id", payload: `{"raw":"wrong_id"}`, want: `"right"`,
			findings: []wantFinding{{step: "wrong_id", status: 400, errorType: "InvalidRequestID", message: "Invalid request ID"}}},
		{name: "response for the previous invoke's id", payload: `{"raw":"stale_id"}`, want: `"right"`,
			findings: []wantFinding{{step: "stale_id", status: 400, errorType: "InvalidRequestID", message: "Invalid request ID"}}},
		{name: "response that is not JSON", payload: `{"raw":"text"}`, want: "plain text, not JSON\x00\xff"},
		{name: "truncated response body", payload: `{"raw":"truncated"}`, functionError: true,
			want: "Runtime.TruncatedResponse", status: "error", reportErr: "Runtime.TruncatedResponse",
			findings: []wantFinding{{step: "truncated", status: 400, errorType: "TruncatedHTTPRequest"}}},
		{name: "malformed chunked response body", payload: `{"raw":"bad_chunked"}`, functionError: true,
			want: "Runtime.TruncatedResponse", status: "error", reportErr: "Runtime.TruncatedResponse",
			findings: []wantFinding{{step: "bad_chunked", status: 400, errorType: "TruncatedHTTPRequest"}}},
		{name: "error with garbage type, cause and body", payload: `{"raw":"garbage_error"}`, functionError: true,
			want: "<<not json>>", findings: []wantFinding{{step: "garbage_error", status: 202}}},
		{name: "error-with-cause body that is not JSON", payload: `{"raw":"cause_garbage"}`, functionError: true,
			want: `"Invalid error body"`, findings: []wantFinding{{step: "cause_garbage", status: 202}}},
		{name: "error with an X-Ray cause", payload: `{"raw":"cause"}`, functionError: true,
			want: `{"errorMessage":"boom","errorType":"Broken","stackTrace":["at x"]}`, findings: []wantFinding{{step: "cause", status: 202}}},
		{name: "bytes that are not HTTP", payload: `{"raw":"not_http"}`, want: `"after garbage"`,
			findings: []wantFinding{{step: "not_http", status: 400}}},
		{name: "init error mid-invoke", payload: `{"raw":"init_error"}`, want: `"still running"`,
			findings: []wantFinding{{step: "init_error", status: 403, errorType: "InvalidStateTransition",
				message: "State transition from Running to InitError failed for runtime"}}},
		{name: "next twice at once while running", payload: `{"raw":"next_running"}`, want: `"redelivered"`,
			findings: []wantFinding{{step: "next_running", status: 200, redelivers: true}, {step: "next_running", status: 200, redelivers: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := s.invoke("Small", tt.payload)
			got := string(inv.out.Payload)
			if tt.functionError {
				if aws.ToString(inv.out.FunctionError) != "Unhandled" {
					t.Errorf("X-Amz-Function-Error %q, want Unhandled", aws.ToString(inv.out.FunctionError))
				}
				if strings.HasPrefix(tt.want, "Runtime.") { // a platform-detected error: check its type
					got = decodeError(t, inv.out.Payload).ErrorType
				}
			} else if inv.out.FunctionError != nil {
				t.Errorf("X-Amz-Function-Error %q, want none", aws.ToString(inv.out.FunctionError))
			}
			if got != tt.want {
				t.Errorf("payload %q, want %q", inv.out.Payload, tt.want)
			}
			if !inv.hasReport || inv.report.Status != tt.status || inv.report.ErrorType != tt.reportErr {
				t.Errorf("REPORT status %q type %q, want %q %q:\n%s", inv.report.Status, inv.report.ErrorType, tt.status, tt.reportErr, inv.log)
			}

			found, again := s.findings("Small")
			if again.report.HasInit || strings.Contains(again.log, "INIT_START") {
				t.Errorf("the runtime was replaced after the fault:\n%s", again.log)
			}
			checkFindings(t, found, tt.findings, inv.requestID)
		})
	}
}

func checkFindings(t *testing.T, got []rawFinding, want []wantFinding, requestID string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("findings %+v, want %d", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Step != w.step || g.Status != w.status {
			t.Errorf("finding %d: %s answered %d %s, want %s %d", i, g.Step, g.Status, g.Body, w.step, w.status)
			continue
		}
		if w.errorType != "" {
			var e errorPayload
			if err := json.Unmarshal([]byte(g.Body), &e); err != nil || e.ErrorType != w.errorType || !strings.Contains(e.ErrorMessage, w.message) {
				t.Errorf("finding %s: body %s, want errorType %s and message containing %q", g.Step, g.Body, w.errorType, w.message)
			}
		}
		if w.redelivers && g.RequestID != requestID {
			t.Errorf("finding %s: /next delivered %q, want the running invoke %q again", g.Step, g.RequestID, requestID)
		}
	}
}

// A runtime that waits for its next invoke in two /next calls at once gets
// each later invoke once, on the same warm process.
func testRawNextTwice(t *testing.T, s *server) {
	if inv := s.invoke("Small", `{"raw":"next_twice"}`); string(inv.out.Payload) != `"two loops"` {
		t.Fatalf("payload %s\n%s", inv.out.Payload, inv.log)
	}
	for i, v := range []string{"1", "2", "3", "4"} {
		inv := s.invoke("Small", `{"echo":`+v+`}`)
		if inv.out.FunctionError != nil || string(inv.out.Payload) != v || inv.report.HasInit || inv.report.Status != "" {
			t.Fatalf("invoke %d after two /next calls: %s %s\n%s", i, aws.ToString(inv.out.FunctionError), inv.out.Payload, inv.log)
		}
	}
	// A new process would have its before_next finding.
	if found, _ := s.findings("Small"); len(found) != 0 {
		t.Errorf("findings %+v, want none from the same process", found)
	}
}

// A runtime that responds and never calls /next again: the caller gets the
// response, the invoke runs into the function's timeout (REPORT Status:
// timeout, Duration = the timeout), and the environment is reset and re-inits
// in place for the next invoke.
func testRawNeverCallsNext(t *testing.T, s *server) {
	inv := s.invoke("Faulty", `{"raw":"no_next"}`) // Timeout: 1
	if inv.out.FunctionError != nil || string(inv.out.Payload) != `"answered"` {
		t.Fatalf("error %q payload %s, want the runtime's response", aws.ToString(inv.out.FunctionError), inv.out.Payload)
	}
	if !inv.hasReport || inv.report.Status != "timeout" || inv.report.DurationMS != 1000 {
		t.Errorf("REPORT status %q duration %.2f, want timeout after exactly 1000.00 ms:\n%s", inv.report.Status, inv.report.DurationMS, inv.log)
	}
	again := s.invoke("Faulty", `{"echo":"ok"}`)
	if again.out.FunctionError != nil || string(again.out.Payload) != `"ok"` {
		t.Fatalf("next invoke: %q %s\n%s", aws.ToString(again.out.FunctionError), again.out.Payload, again.log)
	}
	if again.report.HasInit || strings.Contains(again.log, "INIT_START") {
		t.Errorf("the reset environment re-inits in place, without a new INIT_START:\n%s", again.log)
	}
	// The runtime is a new process: its findings start again with before_next.
	if found, _ := s.findings("Faulty"); len(found) != 1 || found[0].Step != "before_next" {
		t.Errorf("findings %+v: the runtime that never called /next was not replaced", found)
	}
}

// A runtime that starts posting its response and never finishes the body:
// the invoke times out, and the environment is reset and re-inits in place.
func testRawStalledBody(t *testing.T, s *server) {
	inv := s.invoke("Faulty", `{"raw":"stall_body"}`) // Timeout: 1
	e := decodeError(t, inv.out.Payload)
	if aws.ToString(inv.out.FunctionError) != "Unhandled" || e.ErrorType != "Sandbox.Timedout" {
		t.Errorf("error %q payload %s, want Sandbox.Timedout", aws.ToString(inv.out.FunctionError), inv.out.Payload)
	}
	if !inv.hasReport || inv.report.Status != "timeout" || inv.report.DurationMS != 1000 {
		t.Errorf("REPORT status %q duration %.2f, want timeout after exactly 1000.00 ms:\n%s", inv.report.Status, inv.report.DurationMS, inv.log)
	}
	again := s.invoke("Faulty", `{"echo":"ok"}`)
	if again.out.FunctionError != nil || string(again.out.Payload) != `"ok"` || again.report.HasInit {
		t.Fatalf("next invoke: %q %s\n%s", aws.ToString(again.out.FunctionError), again.out.Payload, again.log)
	}
}

// Without a log tail the caller has the response at once, while the
// environment stays busy until the invoke ends; another invoke meanwhile gets
// a new environment.
func testRawNeverCallsNextHoldsEnvironment(t *testing.T, s *server) {
	out, err := s.client.Invoke(context.Background(), &lambda.InvokeInput{
		FunctionName: aws.String("Medium"), Payload: []byte(`{"raw":"no_next"}`), // Timeout: 30
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.FunctionError != nil || string(out.Payload) != `"answered"` {
		t.Fatalf("error %q payload %s, want the runtime's response", aws.ToString(out.FunctionError), out.Payload)
	}
	if h := s.health(); h["busy"] != float64(1) {
		t.Errorf("busy %v after the answer, want 1: the invoke lasts until /next or the timeout", h["busy"])
	}
	other := s.invoke("Medium", `{"echo":"b"}`)
	if other.out.FunctionError != nil || string(other.out.Payload) != `"b"` || !other.report.HasInit {
		t.Errorf("invoke while the first still holds its environment: %s, want a cold start\n%s", other.out.Payload, other.log)
	}
}
