package runtimes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/coldstartlab/coldstart/internal/local"
	"github.com/coldstartlab/coldstart/internal/platform"
)

// What every variant's tests share: invoking a function of template.yaml,
// checking its answer, and reading back what ddbwriter wrote.

// missing skips the test for a missing dependency, except under CI=true,
// where CI has installed everything (scripts/setup.sh) and it fails.
func missing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI must have every dependency: scripts/setup.sh)", why)
	}
	t.Skip(why)
}

// startVariants starts template.yaml's functions fns with env as `--env-vars`
// overrides ({"Function": {"KEY": "value"}}), collecting their logs, and
// closes it when the test ends.
func startVariants(ctx context.Context, t *testing.T, fns []string, env map[string]map[string]string) (*local.Server, *functionLogs) {
	t.Helper()
	data, _ := json.Marshal(env)
	envFile := filepath.Join(t.TempDir(), "env.json")
	if err := os.WriteFile(envFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &functionLogs{lines: map[string][]string{}}
	s, err := local.Start(ctx, local.Options{Template: "template.yaml", Functions: fns, EnvVars: envFile, LogSink: logs.add})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s, logs
}

// functionLogs keeps every function's log lines.
type functionLogs struct {
	mu    sync.Mutex
	lines map[string][]string
}

func (l *functionLogs) add(line platform.LogLine) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines[line.Function] = append(l.lines[line.Function], line.Text)
}

func (l *functionLogs) of(function string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines[function]...)
}

// invokeVariant invokes function with payload and waits for its REPORT.
func invokeVariant(t *testing.T, s *local.Server, function, payload string) *platform.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := s.Platform.Invoke(ctx, platform.Request{Function: function, Payload: []byte(payload), Tail: true})
	if err != nil {
		t.Fatalf("invoke %s: %v", function, err)
	}
	return res
}

// wantAnswer checks an invoke's answer and that it reported an Init
// Duration exactly when cold.
func wantAnswer(t *testing.T, res *platform.Result, want string, cold bool) {
	t.Helper()
	if res.FunctionError != "" || string(res.Payload) != want {
		t.Fatalf("answer %s (error %q), want %s; log:\n%s", res.Payload, res.FunctionError, want, res.Log)
	}
	if res.Cold != cold || res.Report.HasInit != cold {
		t.Fatalf("cold %v, REPORT has Init Duration %v; want both %v; log:\n%s", res.Cold, res.Report.HasInit, cold, res.Log)
	}
	if cold && res.Report.InitDurationMS <= 0 {
		t.Errorf("cold invoke's Init Duration is %v ms", res.Report.InitDurationMS)
	}
}

// uuid4 is a random UUID's text.
var uuid4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// wantID checks a ddbwriter answer (a UUIDv4 as a JSON string) and returns it.
func wantID(t *testing.T, res *platform.Result, cold bool) string {
	t.Helper()
	var id string
	if res.FunctionError != "" || json.Unmarshal(res.Payload, &id) != nil || !uuid4.MatchString(id) {
		t.Fatalf("answer %s (error %q), want a UUIDv4 as a JSON string; log:\n%s", res.Payload, res.FunctionError, res.Log)
	}
	wantAnswer(t, res, string(res.Payload), cold)
	return id
}

// rfc3339 is createdAt's form: RFC 3339 in UTC, to the second.
var rfc3339 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// checkItem checks an item ddbwriter wrote: id, the event's one string field
// (name) and createdAt, all strings; the event's other fields left out.
func checkItem(t *testing.T, id string, item map[string]types.AttributeValue, name string) {
	t.Helper()
	s := func(k string) string {
		if v, ok := item[k].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return fmt.Sprintf("%#v", item[k])
	}
	if len(item) != 3 || s("id") != id || s("name") != name || !rfc3339.MatchString(s("createdAt")) {
		t.Errorf("item %s is %v; want id, name %q and createdAt (RFC 3339 UTC) only", id, item, name)
	}
}

// getItem reads item id back from table.
func getItem(t *testing.T, db *dynamodb.Client, table, id string) map[string]types.AttributeValue {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("GetItem %s: %v", id, err)
	}
	return out.Item
}

// logPackage checks the function's package is not empty and logs its size
// with the cold start's figures.
func logPackage(t *testing.T, s *local.Server, function string, cold *platform.Result) {
	t.Helper()
	pkg := s.Packages[function]
	if pkg.Files == 0 || pkg.Size == 0 {
		t.Errorf("package of %s is empty: %+v", function, pkg)
	}
	t.Logf("%s: package %d files, %.1f KB; cold: Init Duration %.1f ms, first invoke %.2f ms, Max Memory Used %d MB",
		function, pkg.Files, float64(pkg.Size)/1024, cold.Report.InitDurationMS, cold.Report.DurationMS, cold.Report.MaxMemoryUsedMB)
}
