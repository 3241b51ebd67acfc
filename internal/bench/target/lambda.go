// Package target implements bench.Target over the Lambda API with
// aws-sdk-go-v2, for AWS itself, for any Lambda-API endpoint, and for the
// embedded local platform: one code path, so local and AWS numbers are
// gathered the same way.
package target

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/platform"
	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// NonceVar is the environment variable ForceCold changes: a new value makes
// Lambda start new environments, as seed 000's bench.sh did.
const NonceVar = "COLDSTART_NONCE"

// Lambda is a bench.Target over the Lambda API.
type Lambda struct {
	client *lambda.Client
	info   bench.TargetInfo
	idle   time.Duration
	// packages overrides package facts the API cannot tell (file counts).
	packages map[string]bench.VariantInfo
	// updateWait bounds each wait for an update to complete.
	updateWait time.Duration

	mu        sync.Mutex
	originals map[string]original          // as before the run, for Restore
	env       map[string]map[string]string // current variables, to change one
	changed   map[string]bool
}

type original struct {
	memoryMB int32
	env      map[string]string // nil: the function had no Environment
}

var _ bench.Target = (*Lambda)(nil)

func newLambda(client *lambda.Client, info bench.TargetInfo) *Lambda {
	return &Lambda{client: client, info: info, updateWait: 5 * time.Minute,
		originals: map[string]original{}, env: map[string]map[string]string{}, changed: map[string]bool{}}
}

// Info says where the invokes go.
func (t *Lambda) Info() bench.TargetInfo { return t.info }

// IdleLifetime is known only for the local platform.
func (t *Lambda) IdleLifetime() time.Duration { return t.idle }

// Function reads a function's configuration and remembers it for Restore.
func (t *Lambda) Function(ctx context.Context, name string) (bench.VariantInfo, error) {
	out, err := t.client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
	if err != nil {
		return bench.VariantInfo{}, explain(err)
	}
	c := out.Configuration
	info := bench.VariantInfo{Function: name, Runtime: string(c.Runtime), MemoryMB: int(aws.ToInt32(c.MemorySize)), PackageBytes: c.CodeSize}
	if len(c.Architectures) > 0 {
		info.Arch = string(c.Architectures[0])
	}
	if p, ok := t.packages[name]; ok {
		info.PackageBytes, info.PackageFiles, info.Interpreter = p.PackageBytes, p.PackageFiles, p.Interpreter
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, seen := t.originals[name]; !seen {
		o := original{memoryMB: aws.ToInt32(c.MemorySize)}
		if c.Environment != nil {
			o.env = maps.Clone(c.Environment.Variables)
		}
		t.originals[name] = o
		t.env[name] = maps.Clone(o.env)
		if t.env[name] == nil {
			t.env[name] = map[string]string{}
		}
	}
	return info, nil
}

// SetMemory updates MemorySize and waits for the update.
func (t *Lambda) SetMemory(ctx context.Context, name string, memoryMB int) error {
	t.mark(name)
	return t.update(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(name), MemorySize: aws.Int32(int32(memoryMB))})
}

// ForceCold gives the function a new NonceVar value and waits for the update.
func (t *Lambda) ForceCold(ctx context.Context, name string) error {
	t.mark(name)
	t.mu.Lock()
	env := maps.Clone(t.env[name])
	t.mu.Unlock()
	if env == nil {
		env = map[string]string{}
	}
	env[NonceVar] = platform.NewRequestID()
	err := t.update(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(name), Environment: &types.Environment{Variables: env}})
	if err == nil {
		t.mu.Lock()
		t.env[name] = env
		t.mu.Unlock()
	}
	return err
}

func (t *Lambda) mark(name string) {
	t.mu.Lock()
	t.changed[name] = true
	t.mu.Unlock()
}

// update applies a configuration change and waits until Lambda reports it
// done (LastUpdateStatus Successful), as `aws lambda wait function-updated`.
func (t *Lambda) update(ctx context.Context, in *lambda.UpdateFunctionConfigurationInput) error {
	deadline := time.Now().Add(t.updateWait)
	for {
		_, err := t.client.UpdateFunctionConfiguration(ctx, in)
		var conflict *types.ResourceConflictException
		if errors.As(err, &conflict) && time.Now().Before(deadline) {
			// A previous update is still in progress: wait for it, then retry.
			if err := t.waitUpdated(ctx, aws.ToString(in.FunctionName), deadline); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return explain(err)
		}
		return t.waitUpdated(ctx, aws.ToString(in.FunctionName), deadline)
	}
}

// waitUpdated polls GetFunction until LastUpdateStatus is Successful. It
// checks at once and then backs off from 50 ms to 1 s: the SDK's waiter
// starts at 1 s, which would make every local cold sample cost a second.
func (t *Lambda) waitUpdated(ctx context.Context, name string, deadline time.Time) error {
	delay := 50 * time.Millisecond
	for {
		out, err := t.client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		if err != nil {
			return explain(err)
		}
		switch c := out.Configuration; c.LastUpdateStatus {
		case types.LastUpdateStatusSuccessful:
			return nil
		case types.LastUpdateStatusFailed:
			return fmt.Errorf("update of %s failed: %s", name, aws.ToString(c.LastUpdateStatusReason))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("update of %s still in progress after %v", name, t.updateWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, time.Second)
	}
}

// Invoke calls the function once with LogType Tail and parses its REPORT.
func (t *Lambda) Invoke(ctx context.Context, name string, payload []byte) bench.Invocation {
	inv := bench.Invocation{Sent: time.Now()}
	out, err := t.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(name), Payload: payload, LogType: types.LogTypeTail})
	inv.Done = time.Now()
	if err != nil {
		inv.Err = explain(err)
		var re *awshttp.ResponseError
		if errors.As(err, &re) {
			inv.Status = re.HTTPStatusCode()
			inv.RequestID = re.ServiceRequestID()
		}
		return inv
	}
	inv.Status = int(out.StatusCode)
	inv.Payload = out.Payload
	inv.FunctionError = aws.ToString(out.FunctionError)
	if out.LogResult != nil {
		if tail, err := base64.StdEncoding.DecodeString(*out.LogResult); err == nil {
			for _, line := range strings.Split(string(tail), "\n") {
				if r, err := reportlog.ParseReport(line); err == nil {
					inv.Report, inv.HasReport, inv.RequestID = r, true, r.RequestID
				}
			}
		}
	}
	return inv
}

// Restore puts back the memory size and environment of every function the
// run changed. It runs even when ctx is cancelled (Ctrl-C), on its own clock.
func (t *Lambda) Restore(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
	defer cancel()
	t.mu.Lock()
	var names []string
	for n := range t.changed {
		names = append(names, n)
	}
	t.mu.Unlock()
	var errs []error
	for _, n := range names {
		o := t.originals[n]
		in := &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(n), MemorySize: aws.Int32(o.memoryMB),
			Environment: &types.Environment{Variables: o.env}}
		if o.env == nil {
			in.Environment.Variables = map[string]string{}
		}
		if err := t.update(ctx, in); err != nil {
			errs = append(errs, fmt.Errorf("restore %s: %w", n, err))
		}
	}
	return errors.Join(errs...)
}

// explain shortens SDK errors to "Code: message", as the AWS CLI prints them.
func explain(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return fmt.Errorf("%s: %s", ae.ErrorCode(), ae.ErrorMessage())
	}
	return err
}
