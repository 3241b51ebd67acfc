package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// Each fault gets Lambda's answer, and the function works again afterwards.
func TestFaults(t *testing.T) {
	s := startServe(t)
	tests := []struct {
		name, fn, payload string
		errorType         string // in the error payload
		message           string // part of errorMessage
		status, reportErr string // REPORT Status and Error Type
		initReports       []string
	}{
		{name: "timeout", fn: "Faulty", payload: `{"sleep_ms":2000}`,
			errorType: "Sandbox.Timedout", message: "Error: Task timed out after 1.00 seconds", status: "timeout"},
		{name: "runtime exits mid-invoke", fn: "Faulty", payload: `{"exit":3}`,
			errorType: "Runtime.ExitError", message: "Error: Runtime exited with error: exit status 3",
			status: "error", reportErr: "Runtime.ExitError"},
		{name: "panic in init", fn: "InitPanic", payload: `{}`,
			errorType: "Runtime.ExitError", message: "Error: Runtime exited with error: exit status 2",
			status: "error", reportErr: "Runtime.ExitError",
			initReports: []string{"Phase: init\tStatus: error\tError Type: Runtime.ExitError", "Phase: invoke\tStatus: error\tError Type: Runtime.ExitError"}},
		{name: "handler error", fn: "Faulty", payload: `{"error":"boom"}`,
			errorType: "errorString", message: "boom"},
		{name: "handler panic", fn: "Faulty", payload: `{"panic":"oops"}`,
			errorType: "string", message: "oops", status: "error", reportErr: "Runtime.ExitError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := s.invoke(tt.fn, tt.payload)
			if aws.ToString(inv.out.FunctionError) != "Unhandled" {
				t.Fatalf("X-Amz-Function-Error %q, payload %s", aws.ToString(inv.out.FunctionError), inv.out.Payload)
			}
			e := decodeError(t, inv.out.Payload)
			if e.ErrorType != tt.errorType || !strings.Contains(e.ErrorMessage, tt.message) {
				t.Errorf("error payload %s, want type %s and message containing %q", inv.out.Payload, tt.errorType, tt.message)
			}
			if tt.errorType == "Sandbox.Timedout" || tt.errorType == "Runtime.ExitError" {
				if !strings.HasPrefix(e.ErrorMessage, "RequestId: "+inv.requestID+" Error: ") {
					t.Errorf("message %q does not start with the request id", e.ErrorMessage)
				}
			}
			r := inv.report
			if !inv.hasReport || r.Status != tt.status || r.ErrorType != tt.reportErr {
				t.Errorf("REPORT status %q type %q, want %q %q:\n%s", r.Status, r.ErrorType, tt.status, tt.reportErr, inv.log)
			}
			if tt.status == "timeout" && r.DurationMS != 1000 {
				t.Errorf("timed-out Duration %.2f ms, want exactly 1000.00", r.DurationMS)
			}
			for _, want := range tt.initReports {
				if !strings.Contains(inv.log, reportlog.PrefixInitReport) || !strings.Contains(inv.log, want) {
					t.Errorf("log lacks INIT_REPORT %q:\n%s", want, inv.log)
				}
			}
			// The function answers again.
			again := s.invoke(tt.fn, `{"echo":"ok"}`)
			if again.out.FunctionError != nil || string(again.out.Payload) != `"ok"` {
				t.Fatalf("next invoke: error %q payload %s\n%s", aws.ToString(again.out.FunctionError), again.out.Payload, again.log)
			}
		})
	}
}

// A handler error leaves the environment warm; a crash resets it, and the
// next invoke re-runs init inside itself: no INIT_START, no Init Duration.
func TestEnvironmentAfterFaults(t *testing.T) {
	s := startServe(t)
	s.invoke("Faulty", `{"echo":1}`) // cold
	s.invoke("Faulty", `{"error":"boom"}`)
	warm := s.invoke("Faulty", `{"echo":2}`)
	if warm.report.HasInit || strings.Contains(warm.log, "INIT_START") {
		t.Errorf("a handler error must not reset the environment:\n%s", warm.log)
	}
	s.invoke("Faulty", `{"exit":1}`)
	reinit := s.invoke("Faulty", `{"echo":3}`)
	if reinit.report.HasInit || strings.Contains(reinit.log, "INIT_START") {
		t.Errorf("re-init after a crash is not a new environment's init:\n%s", reinit.log)
	}
	if h := s.health(); h["started"] != float64(1) {
		t.Errorf("environments started: %v, want 1", h["started"])
	}
}
