package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
)

// Seed 000's loop: change an environment variable, wait for the update, and
// the next invoke is a cold start in a new environment.
func TestUpdateConfigurationForcesColdStart(t *testing.T) {
	s := startServe(t)
	ctx := context.Background()
	s.invoke("Faulty", `{"echo":1}`)
	if warm := s.invoke("Faulty", `{"echo":2}`); warm.report.HasInit {
		t.Fatal("second invoke was cold")
	}
	out, err := s.client.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("Faulty"),
		MemorySize:   aws.Int32(256),
		Environment:  &types.Environment{Variables: map[string]string{"GREETING": "hello", "NONCE": "1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.LastUpdateStatus != types.LastUpdateStatusInProgress || aws.ToInt32(out.MemorySize) != 256 {
		t.Errorf("update response: status %s memory %d", out.LastUpdateStatus, aws.ToInt32(out.MemorySize))
	}
	waiter := lambda.NewFunctionUpdatedV2Waiter(s.client)
	if err := waiter.Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("Faulty")}, 30*time.Second); err != nil {
		t.Fatalf("FunctionUpdatedV2: %v", err)
	}
	cold := s.invoke("Faulty", `{"env":"NONCE"}`)
	if !cold.report.HasInit || cold.report.MemorySizeMB != 256 || string(cold.out.Payload) != `"1"` {
		t.Fatalf("after the update: init %v memory %d payload %s", cold.report.HasInit, cold.report.MemorySizeMB, cold.out.Payload)
	}
}

func TestUpdateConfigurationErrors(t *testing.T) {
	s := startServe(t)
	tests := []struct {
		name string
		in   lambda.UpdateFunctionConfigurationInput
		code string
		msg  string
	}{
		{"memory too small", lambda.UpdateFunctionConfigurationInput{MemorySize: aws.Int32(127)},
			"ValidationException", "Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"},
		{"memory too large", lambda.UpdateFunctionConfigurationInput{MemorySize: aws.Int32(10241)},
			"ValidationException", "Member must have value less than or equal to 10240"},
		{"timeout too long", lambda.UpdateFunctionConfigurationInput{Timeout: aws.Int32(901)},
			"ValidationException", "Value '901' at 'timeout'"},
		{"reserved key", lambda.UpdateFunctionConfigurationInput{Environment: &types.Environment{Variables: map[string]string{"AWS_REGION": "x"}}},
			"InvalidParameterValueException", "Reserved keys used in this request: AWS_REGION"},
		{"stale revision", lambda.UpdateFunctionConfigurationInput{RevisionId: aws.String("0000")},
			"PreconditionFailedException", "does not match the latest Revision Id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.FunctionName = aws.String("Faulty")
			_, err := s.client.UpdateFunctionConfiguration(context.Background(), &in)
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tt.code || !strings.Contains(ae.ErrorMessage(), tt.msg) {
				t.Fatalf("got %v, want %s: …%s…", err, tt.code, tt.msg)
			}
		})
	}
}
