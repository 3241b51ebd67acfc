package e2e

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func TestColdThenWarm(t *testing.T) {
	s := startServe(t)
	first := s.invoke("Uppercase", `"hi"`)
	if string(first.out.Payload) != `"HI"` || first.out.FunctionError != nil {
		t.Fatalf("payload %s, function error %v", first.out.Payload, first.out.FunctionError)
	}
	if !first.hasReport || !first.report.HasInit || first.report.InitDurationMS <= 0 {
		t.Fatalf("first invoke's REPORT has no Init Duration:\n%s", first.log)
	}
	if !strings.Contains(first.log, "INIT_START Runtime Version: provided:al2023") {
		t.Errorf("cold invoke's log has no INIT_START:\n%s", first.log)
	}
	second := s.invoke("Uppercase", `"again"`)
	if !second.hasReport || second.report.HasInit || strings.Contains(second.log, "INIT_START") {
		t.Fatalf("warm invoke reports an init:\n%s", second.log)
	}
	for _, inv := range []invocation{first, second} {
		id := inv.requestID
		if id == "" {
			t.Fatal("no x-amzn-RequestId header")
		}
		for _, want := range []string{"START RequestId: " + id + " Version: $LATEST", "END RequestId: " + id, "REPORT RequestId: " + id + "\t"} {
			if !strings.Contains(inv.log, want) {
				t.Errorf("log lacks %q:\n%s", want, inv.log)
			}
		}
		r := inv.report
		if r.MemorySizeMB != 128 || r.MaxMemoryUsedMB <= 0 || r.BilledMS < int64(r.DurationMS+r.InitDurationMS) {
			t.Errorf("implausible REPORT %+v", r)
		}
		if *inv.out.ExecutedVersion != "$LATEST" {
			t.Errorf("X-Amz-Executed-Version %q", *inv.out.ExecutedVersion)
		}
	}
}

func TestFunctionOutputBetweenStartAndEnd(t *testing.T) {
	s := startServe(t)
	inv := s.invoke("Faulty", `{"print":["line one","line two"]}`)
	lines := strings.Split(strings.TrimRight(inv.log, "\n"), "\n")
	var start, end = -1, -1
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "START "):
			start = i
		case strings.HasPrefix(l, "END "):
			end = i
		}
	}
	body := strings.Join(lines[start+1:end], "\n")
	for _, want := range []string{"line one", "line two", "stderr: line one", "stderr: line two"} {
		if !strings.Contains(body, want) {
			t.Errorf("%q not between START and END:\n%s", want, inv.log)
		}
	}
	if got := string(s.invoke("Faulty", `{"env":"GREETING"}`).out.Payload); got != `"hello"` {
		t.Errorf("template environment variable: got %s", got)
	}
	if got := string(s.invoke("Faulty", `{"env":"AWS_LAMBDA_FUNCTION_NAME"}`).out.Payload); got != `"Faulty"` {
		t.Errorf("AWS_LAMBDA_FUNCTION_NAME: got %s", got)
	}
}

func TestScaleOutAndReuse(t *testing.T) {
	s := startServe(t)
	const n = 50
	// Each invoke holds its environment for 1 s: long enough for all 50 to
	// arrive while every environment is busy, even on a loaded CI machine
	// (at 200 ms a late invoke could find the first environment free again).
	// Medium runs the faulty function with a 30 s timeout, which a loaded
	// machine never reaches.
	wave := func() []invocation {
		out := make([]invocation, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out[i], errs[i] = s.tryInvoke("Medium", `{"sleep_ms":1000}`)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		return out
	}
	inits := func(invs []invocation) int {
		n := 0
		for _, inv := range invs {
			if inv.out.FunctionError != nil || string(inv.out.Payload) != `{"slept_ms":1000}` {
				t.Fatalf("invoke failed: %s %s", aws.ToString(inv.out.FunctionError), inv.out.Payload)
			}
			if inv.report.HasInit {
				n++
			}
		}
		return n
	}
	if got := inits(wave()); got != n {
		t.Fatalf("first wave: %d Init Durations, want %d", got, n)
	}
	if h := s.health(); h["started"] != float64(n) || h["environments"] != float64(n) {
		t.Fatalf("after the first wave: health %v", h)
	}
	if got := inits(wave()); got != 0 {
		t.Fatalf("second wave: %d Init Durations, want 0", got)
	}
	if h := s.health(); h["started"] != float64(n) {
		t.Fatalf("second wave started environments: health %v", h)
	}
	if got := len(s.runtimePIDs()); got != n {
		t.Errorf("%d runtime processes, want %d", got, n)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	s := startServe(t, "--concurrency-limit", "2")
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.tryInvoke("Faulty", `{"sleep_ms":500}`)
		}()
	}
	wg.Wait()
	throttled := 0
	for _, err := range errs {
		var tm *types.TooManyRequestsException
		switch {
		case err == nil:
		case errors.As(err, &tm):
			throttled++
			if string(tm.Reason) != "ConcurrentInvocationLimitExceeded" || tm.ErrorMessage() != "Rate Exceeded." {
				t.Errorf("429 body: reason %q message %q", tm.Reason, tm.ErrorMessage())
			}
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if throttled != 1 {
		t.Fatalf("%d of 3 invokes throttled at limit 2, want 1", throttled)
	}
}

func TestRequestErrors(t *testing.T) {
	s := startServe(t)
	tests := []struct {
		name    string
		fn      string
		payload []byte
		check   func(error) bool
		message string
	}{
		{"payload over 6 MB", "Uppercase", []byte(`"` + strings.Repeat("a", 6*1024*1024-1) + `"`),
			func(err error) bool { var e *types.RequestTooLargeException; return errors.As(err, &e) },
			"6291457 byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes)"},
		{"unknown function", "Nope", []byte(`{}`),
			func(err error) bool { var e *types.ResourceNotFoundException; return errors.As(err, &e) },
			"Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope"},
		{"payload not JSON", "Uppercase", []byte(`hello`),
			func(err error) bool { var e *types.InvalidRequestContentException; return errors.As(err, &e) },
			"Could not parse request body into json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.client.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(tt.fn), Payload: tt.payload})
			if err == nil || !tt.check(err) || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("got %v, want a typed error containing %q", err, tt.message)
			}
		})
	}
	// Exactly 6 MB is accepted.
	exact := `{"echo":"` + strings.Repeat("a", 6*1024*1024-len(`{"echo":""}`)) + `"}`
	if _, err := s.client.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("Faulty"), Payload: []byte(exact)}); err != nil {
		t.Fatalf("payload at the limit: %v", err)
	}
}

func TestInvocationTypes(t *testing.T) {
	s := startServe(t)
	dry, err := s.client.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("Uppercase"), InvocationType: types.InvocationTypeDryRun})
	if err != nil || dry.StatusCode != 204 {
		t.Fatalf("DryRun: %v status %d", err, dry.StatusCode)
	}
	ev, err := s.client.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("Uppercase"), InvocationType: types.InvocationTypeEvent, Payload: []byte(`"x"`)})
	if err != nil || ev.StatusCode != 202 {
		t.Fatalf("Event: %v status %d", err, ev.StatusCode)
	}
	// The same function by ARN and by name:$LATEST.
	for _, name := range []string{"arn:aws:lambda:us-east-1:123456789012:function:Uppercase", "Uppercase:$LATEST"} {
		if got := string(s.invoke(name, `"arn"`).out.Payload); got != `"ARN"` {
			t.Errorf("invoke %s: %s", name, got)
		}
	}
	cfg, err := s.client.GetFunction(context.Background(), &lambda.GetFunctionInput{FunctionName: aws.String("Uppercase")})
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Configuration
	if aws.ToInt32(c.MemorySize) != 128 || aws.ToInt32(c.Timeout) != 3 || c.State != types.StateActive ||
		c.LastUpdateStatus != types.LastUpdateStatusSuccessful || aws.ToString(c.FunctionArn) != "arn:aws:lambda:us-east-1:123456789012:function:Uppercase" {
		t.Errorf("GetFunction configuration: %+v", c)
	}
}
