package local

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/coldstartlab/coldstart/internal/platform"
	"github.com/coldstartlab/coldstart/internal/services"
)

// startWorkloads starts examples/template.yaml's seed workloads with their
// local DynamoDB and SQS, or skips (fails under CI) without the services.
func startWorkloads(t *testing.T, fns ...string) *Server {
	t.Helper()
	if _, err := services.Find("../../examples"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs the local services (scripts/setup.sh): %v", err)
		}
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{Template: "../../examples/template.yaml", Functions: fns, Sandbox: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func invokeOK(t *testing.T, s *Server, fn, payload string) *platform.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := s.Platform.Invoke(ctx, platform.Request{Function: fn, Payload: []byte(payload), Tail: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.FunctionError != "" {
		t.Fatalf("%s failed: %s %s\n%s", fn, res.ErrorType, res.Payload, res.Log)
	}
	return res
}

// The orders workload (seed 002) stores the order in DynamoDB and announces
// it on SQS; both are readable afterwards from the real emulators, which stop
// with the server and never listen beyond loopback.
func TestOrdersWorkload(t *testing.T) {
	s := startWorkloads(t, "Orders")
	event, err := os.ReadFile("../../examples/seeds/events/order.json")
	if err != nil {
		t.Fatal(err)
	}
	res := invokeOK(t, s, "Orders", string(event))
	var resp struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	if err := json.Unmarshal(res.Payload, &resp); err != nil || resp.StatusCode != 201 {
		t.Fatalf("response %s (%v), want status 201", res.Payload, err)
	}
	var created struct{ ID string }
	if err := json.Unmarshal([]byte(resp.Body), &created); err != nil || created.ID == "" {
		t.Fatalf("body %q: want {\"id\":…}", resp.Body)
	}

	cfg := aws.Config{Region: s.Platform.Region(), HTTPClient: awshttp.NewBuildableClient(),
		Credentials: credentials.NewStaticCredentialsProvider(services.FakeAccessKeyID, services.FakeSecretAccessKey, "")}
	ctx := context.Background()
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(s.Services.DynamoDB) })
	fn, _ := s.Platform.Function("Orders")
	item, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(fn.Environment["ORDERS_TABLE"]),
		Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: created.ID}}})
	if err != nil || item.Item["customerId"] == nil {
		t.Fatalf("order %s not in DynamoDB: %v %v", created.ID, item, err)
	}
	if got := item.Item["total"].(*types.AttributeValueMemberN).Value; got != "16" {
		t.Errorf("stored total %s, want 16 (2×3.5 + 9)", got)
	}
	q := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(s.Services.SQS) })
	msgs, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(fn.Environment["QUEUE_URL"]), WaitTimeSeconds: 1})
	if err != nil || len(msgs.Messages) != 1 || !strings.Contains(aws.ToString(msgs.Messages[0].Body), created.ID) {
		t.Fatalf("want one message naming %s on the queue: %+v %v", created.ID, msgs, err)
	}

	// A bad order is the function's 400, not an error.
	res = invokeOK(t, s, "Orders", `{"version":"2.0","body":"{\"items\":[]}"}`)
	if !strings.Contains(string(res.Payload), `"statusCode":400`) {
		t.Errorf("bad order: %s", res.Payload)
	}

	endpoints := []string{s.Services.DynamoDB, s.Services.SQS}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, e := range endpoints {
		addr := strings.TrimPrefix(e, "http://")
		if !strings.HasPrefix(addr, "127.0.0.1:") {
			t.Errorf("service endpoint %s is not on loopback", e)
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still listening after Close", e)
		}
	}
}

// ddbwriter (seed 003) returns the id of the item it wrote; query (seed 000)
// lists one partition.
func TestWriterAndQueryWorkloads(t *testing.T) {
	s := startWorkloads(t, "DdbWriter", "Query")
	var id string
	res := invokeOK(t, s, "DdbWriter", `{"name":"tea"}`)
	if err := json.Unmarshal(res.Payload, &id); err != nil || len(id) != 36 {
		t.Fatalf("DdbWriter answered %s, want a UUID string", res.Payload)
	}
	res = invokeOK(t, s, "Query", `{"version":"2.0","rawPath":"/test-data","queryStringParameters":{"pk":"1"}}`)
	if !strings.Contains(string(res.Payload), `"statusCode":200`) || !strings.Contains(string(res.Payload), `"body":"[]"`) {
		t.Errorf("Query of an empty partition: %s", res.Payload)
	}
	if _, ok := s.Platform.Function("Orders"); ok {
		t.Error("Orders was started though not asked for")
	}
}

// A run of functions that use no table or queue starts no services.
func TestNoServicesWhenUnused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{Template: "../../examples/template.yaml", Functions: []string{"Uppercase"}, Sandbox: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Services.DynamoDB != "" || s.Services.SQS != "" || len(s.Packages) != 1 {
		t.Errorf("services %+v, packages %d; want none and 1", s.Services, len(s.Packages))
	}
	if _, err := Start(ctx, Options{Template: "../../examples/template.yaml", Functions: []string{"Nope"}}); err == nil ||
		!strings.Contains(err.Error(), `no function "Nope" (functions: DdbWriter, Orders, Query, Uppercase)`) {
		t.Errorf("unknown function: %v", err)
	}
}
