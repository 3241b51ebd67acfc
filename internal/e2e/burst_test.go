package e2e

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// A burst of concurrent invokes, each held in its environment by a
// first-invoke delay, gets one environment per invoke and every answer; after
// shutdown no runtime process and no cgroup remains. (selfbench runs the same
// burst at 1000.)
func TestBurstGetsOneEnvironmentPerInvoke(t *testing.T) {
	const n = 200
	s := startServe(t, "--sandbox", "cgroup1")
	// The delay must outlast the arrival of all n invokes while every
	// environment is busy, even with n runtimes starting on two cores under
	// -race and other test packages; the timeout is raised to make room.
	ctx := context.Background()
	_, err := s.client.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("Uppercase"),
		Timeout:      aws.Int32(30),
		Environment:  &types.Environment{Variables: map[string]string{"FIRST_INVOKE_DELAY_MS": "3000"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	waiter := lambda.NewFunctionUpdatedV2Waiter(s.client)
	if err := waiter.Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("Uppercase")}, 30*time.Second); err != nil {
		t.Fatalf("FunctionUpdatedV2: %v", err)
	}

	invs := make([]invocation, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { invs[i], errs[i] = s.tryInvoke("Uppercase", `"hi"`) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	cold := 0
	for _, inv := range invs {
		if inv.out.FunctionError != nil || string(inv.out.Payload) != `"HI"` {
			t.Fatalf("invoke failed: %s %s", aws.ToString(inv.out.FunctionError), inv.out.Payload)
		}
		if inv.report.HasInit {
			cold++
		}
	}
	if cold != n {
		t.Errorf("%d of %d invokes were cold starts, want every one", cold, n)
	}
	if h := s.health(); h["started"] != float64(n) || h["environments"] != float64(n) {
		t.Errorf("after the burst: health %v, want %d environments", h, n)
	}
	pids := s.runtimePIDs()
	if len(pids) != n {
		t.Errorf("%d runtime processes, want %d", len(pids), n)
	}
	s.stopLeavingNothing(pids)
}
