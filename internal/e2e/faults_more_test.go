package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// A response over 6 MB is Lambda's Function.ResponseSizeTooLarge, and the
// function keeps working.
func TestOversizeResponseFault(t *testing.T) {
	s := startServe(t)
	inv := s.invoke("Medium", `{"response_mb":7}`)
	e := decodeError(t, inv.out.Payload)
	if aws.ToString(inv.out.FunctionError) != "Unhandled" || e.ErrorType != "Function.ResponseSizeTooLarge" ||
		// RIE's current text; lambda-spec.md §5 also records the older one without the size.
		!strings.HasPrefix(e.ErrorMessage, "Response payload size (") ||
		!strings.HasSuffix(e.ErrorMessage, " bytes) exceeded maximum allowed payload size (6291556 bytes).") {
		t.Fatalf("error %q payload %s", aws.ToString(inv.out.FunctionError), inv.out.Payload)
	}
	if next := s.invoke("Medium", `{"echo":"ok"}`); next.out.FunctionError != nil || string(next.out.Payload) != `"ok"` {
		t.Fatalf("after an oversized response: %s\n%s", next.out.Payload, next.log)
	}
}

// Megabytes of log lines neither stall the invoke nor leak into the next; the
// Tail log is the last 4 KB, ending with the invoke's own REPORT.
func TestLogFloodFault(t *testing.T) {
	s := startServe(t, "--quiet")
	inv := s.invoke("Medium", `{"log_mb":5}`)
	if inv.out.FunctionError != nil || string(inv.out.Payload) != `{"logged_mb":5}` {
		t.Fatalf("log flood: %s %s", aws.ToString(inv.out.FunctionError), inv.out.Payload)
	}
	if len(inv.log) > 4096 || !strings.Contains(inv.log, "REPORT RequestId: "+inv.requestID) {
		t.Errorf("tail of %d bytes without its REPORT:\n%s", len(inv.log), inv.log)
	}
	next := s.invoke("Medium", `{"echo":"ok"}`)
	if strings.Contains(next.log, "log log log") {
		t.Errorf("the flood leaked into the next invoke's log:\n%s", next.log)
	}
}

// A child process that outlives its handler lives on with the environment,
// frozen with it between invokes, and dies with it.
func TestOrphanChildFault(t *testing.T) {
	s := startServe(t)
	inv := s.invoke("Medium", `{"orphan_s":60}`)
	var out struct {
		PID int `json:"orphan_pid"`
	}
	if err := json.Unmarshal(inv.out.Payload, &out); err != nil || out.PID == 0 {
		t.Fatalf("orphan: %s (%v)", inv.out.Payload, err)
	}
	if !alive(out.PID) {
		t.Fatalf("the child %d died with its handler's return; on Lambda it lives on with the environment", out.PID)
	}
	if next := s.invoke("Medium", `{"echo":"ok"}`); next.out.FunctionError != nil || next.report.HasInit {
		t.Fatalf("the environment did not stay warm with a child in it:\n%s", next.log)
	}
	s.stop()
	if alive(out.PID) {
		t.Errorf("the child %d outlived serve", out.PID)
	}
}
