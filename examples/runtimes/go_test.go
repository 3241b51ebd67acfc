package runtimes_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/local"
	"github.com/coldstartlab/coldstart/internal/services"
)

// The Go baselines answer like every other variant: uppercase cold then warm,
// and ddbwriter with the id of the item it wrote to the local DynamoDB.
func TestGoBaseline(t *testing.T) {
	if _, err := services.Find("."); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs the local services (scripts/setup.sh): %v", err)
		}
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := local.Start(ctx, local.Options{Template: "template.yaml", Functions: []string{"UppercaseGo", "DdbWriterGo"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantAnswer(t, invokeVariant(t, s, "UppercaseGo", `"hello"`), `"HELLO"`, true)
	wantAnswer(t, invokeVariant(t, s, "UppercaseGo", `"hello"`), `"HELLO"`, false)
	for _, cold := range []bool{true, false} {
		res := invokeVariant(t, s, "DdbWriterGo", `{"name":"go"}`)
		var id string
		if res.FunctionError != "" || json.Unmarshal(res.Payload, &id) != nil || len(id) != 36 || res.Cold != cold {
			t.Fatalf("DdbWriterGo (cold %v): %s %s\n%s", cold, res.FunctionError, res.Payload, res.Log)
		}
	}
}
