package services

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/coldstartlab/coldstart/internal/template"
)

// servicesTemplate has a table with a global index, a SimpleTable, a
// standard queue with a dead-letter queue, and a FIFO queue, and a function
// that refers to them the way real templates do.
const servicesTemplate = `
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: id, AttributeType: S}
        - {AttributeName: customer, AttributeType: S}
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      GlobalSecondaryIndexes:
        - IndexName: byCustomer
          KeySchema: [{AttributeName: customer, KeyType: HASH}]
          Projection: {ProjectionType: ALL}
  Sessions:
    Type: AWS::Serverless::SimpleTable
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt DeadJobs.Arn
        maxReceiveCount: 3
  DeadJobs:
    Type: AWS::SQS::Queue
  Events:
    Type: AWS::SQS::Queue
    Properties: {FifoQueue: true, ContentBasedDeduplication: true}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: provided.al2023
      CodeUri: fn
      Environment:
        Variables:
          TABLE_NAME: !Ref Orders
          QUEUE_URL: !Ref Jobs
          DLQ_ARN: !GetAtt DeadJobs.Arn
          EVENTS: !Sub "${Events.QueueName} at ${Events.QueueUrl}"
`

// parse parses a template whose function code is an empty directory.
func parse(t *testing.T, text string) *template.Template {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "fn"), 0o755); err != nil {
		t.Fatal(err)
	}
	tpl, err := template.Parse([]byte(text), dir)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// installed returns the services' installation, or skips the test when it
// is missing (fails under CI, where setup must have installed it).
func installed(t *testing.T) Install {
	t.Helper()
	in, err := Find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and the local services are missing: %v", err)
		}
		t.Skipf("local services not installed: %v", err)
	}
	return in
}

func start(t *testing.T, tpl *template.Template) *Services {
	t.Helper()
	in := installed(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := Start(ctx, tpl, Options{Install: &in})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// sdkConfig loads configuration the way a function's SDK does: from the
// environment, where the endpoint variables point at the services.
func sdkConfig(t *testing.T, s *Services) aws.Config {
	t.Helper()
	for k, v := range s.Env(nil) {
		t.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(FakeAccessKeyID, FakeSecretAccessKey, "")))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestStartCreatesTemplateResources(t *testing.T) {
	tpl := parse(t, servicesTemplate)
	s := start(t, tpl)
	ctx := context.Background()
	cfg := sdkConfig(t, s)

	// Tables exist with their key schema and index, and items round-trip.
	db := dynamodb.NewFromConfig(cfg)
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil {
		t.Fatalf("DescribeTable: %v", err)
	}
	if got := aws.ToString(out.Table.TableArn); got != "arn:aws:dynamodb:us-east-1:123456789012:table/orders" {
		t.Errorf("TableArn = %s, want the ARN !GetAtt Orders.Arn gives", got)
	}
	if len(out.Table.GlobalSecondaryIndexes) != 1 || aws.ToString(out.Table.GlobalSecondaryIndexes[0].IndexName) != "byCustomer" {
		t.Errorf("GlobalSecondaryIndexes = %+v, want byCustomer", out.Table.GlobalSecondaryIndexes)
	}
	if _, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Sessions")}); err != nil {
		t.Errorf("SimpleTable Sessions: %v", err)
	}
	item := map[string]ddbtypes.AttributeValue{
		"id":       &ddbtypes.AttributeValueMemberS{Value: "o-1"},
		"customer": &ddbtypes.AttributeValueMemberS{Value: "c-9"},
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: item}); err != nil {
		t.Fatalf("PutItem: %v", err)
	}
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("orders"),
		Key: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "o-1"}}})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	if c, ok := got.Item["customer"].(*ddbtypes.AttributeValueMemberS); !ok || c.Value != "c-9" {
		t.Errorf("GetItem = %v, want customer c-9", got.Item)
	}

	// Queues exist; the function's !Ref and !GetAtt values are theirs.
	if err := tpl.Bind(s.Values); err != nil {
		t.Fatal(err)
	}
	fn, _ := tpl.Function("Fn")
	queueURL := fn.Environment["QUEUE_URL"]
	if !strings.HasPrefix(queueURL, s.SQS+"/") || !strings.HasSuffix(queueURL, "/Jobs") {
		t.Errorf("QUEUE_URL = %q, want %s/…/Jobs", queueURL, s.SQS)
	}
	if want := "Events.fifo at " + s.Values["Events.QueueUrl"]; fn.Environment["EVENTS"] != want {
		t.Errorf("EVENTS = %q, want %q", fn.Environment["EVENTS"], want)
	}
	if fn.Environment["TABLE_NAME"] != "orders" {
		t.Errorf("TABLE_NAME = %q", fn.Environment["TABLE_NAME"])
	}
	q := sqs.NewFromConfig(cfg)
	if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String("hello")}); err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	rcv, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	if len(rcv.Messages) != 1 || aws.ToString(rcv.Messages[0].Body) != "hello" {
		t.Errorf("ReceiveMessage = %+v, want one message hello", rcv.Messages)
	}
	attrs, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if err != nil {
		t.Fatal(err)
	}
	if attrs.Attributes["VisibilityTimeout"] != "60" {
		t.Errorf("VisibilityTimeout = %q, want 60", attrs.Attributes["VisibilityTimeout"])
	}
	if rp := attrs.Attributes["RedrivePolicy"]; !strings.Contains(rp, fn.Environment["DLQ_ARN"]) || !strings.Contains(rp, `"maxReceiveCount":3`) {
		t.Errorf("RedrivePolicy = %s, want the dead-letter queue %s and maxReceiveCount 3", rp, fn.Environment["DLQ_ARN"])
	}
	fifo, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(s.Values["Events.QueueUrl"]),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameFifoQueue}})
	if err != nil || fifo.Attributes["FifoQueue"] != "true" {
		t.Errorf("Events.fifo FifoQueue = %v (%v), want true", fifo.Attributes, err)
	}

	eps := s.Endpoints()
	if len(eps) != 2 || eps[0].Service != "DynamoDB" || eps[1].Service != "SQS" ||
		strings.Join(eps[0].Resources, ",") != "Sessions,orders" {
		t.Errorf("Endpoints = %+v", eps)
	}
}

func TestCloseLeavesNothing(t *testing.T) {
	s := start(t, parse(t, servicesTemplate))
	pids := s.PIDs()
	if len(pids) != 2 {
		t.Fatalf("PIDs = %v, want dynalite and fauxqs", pids)
	}
	var ports []string
	for _, pid := range pids {
		addrs, err := listeners(pid)
		if err != nil {
			t.Fatal(err)
		}
		if len(addrs) == 0 {
			t.Fatalf("pid %d listens on nothing", pid)
		}
		for _, a := range addrs {
			if !a.Addr().IsLoopback() {
				t.Errorf("pid %d listens on %s, not loopback", pid, a)
			}
			ports = append(ports, a.String())
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("pid %d still running after Close", pid)
		}
	}
	for _, addr := range ports {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after Close", addr)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestServicesDieWithCaller kills, with SIGKILL, a process that started the
// services: Pdeathsig must take them down too.
func TestServicesDieWithCaller(t *testing.T) {
	installed(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStartAndWait$")
	cmd.Env = append(os.Environ(), "COLDSTART_SERVICES_HELPER=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var pids []int
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "pids "); ok {
			for _, f := range strings.Fields(rest) {
				pid, _ := strconv.Atoi(f)
				pids = append(pids, pid)
			}
			break
		}
	}
	if len(pids) != 2 {
		t.Fatalf("helper reported pids %v (%v)", pids, sc.Err())
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for _, pid := range pids {
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if alive(pid) {
			t.Errorf("service pid %d outlived the process that started it", pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// TestHelperStartAndWait is the process TestServicesDieWithCaller kills.
func TestHelperStartAndWait(t *testing.T) {
	if os.Getenv("COLDSTART_SERVICES_HELPER") != "1" {
		t.Skip("helper process for TestServicesDieWithCaller")
	}
	s := start(t, parse(t, servicesTemplate))
	fmt.Println("pids", strings.Trim(fmt.Sprint(s.PIDs()), "[]"))
	time.Sleep(time.Minute)
}

// alive reports whether pid runs (a zombie waiting for its reaper does not).
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// nodeChildren lists this process's children that are node processes.
func nodeChildren(t *testing.T) []int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	var out []int
	me := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(data)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < 0 {
			continue
		}
		fields := strings.Fields(s[end+1:])
		if len(fields) > 1 && s[open+1:end] == "node" && fields[1] == strconv.Itoa(me) {
			out = append(out, pid)
		}
	}
	return out
}

func TestStartFailureLeavesNothing(t *testing.T) {
	in := installed(t)
	// Valid for the template, rejected by DynamoDB (and dynalite): a local
	// index needs a table with a sort key.
	tpl := parse(t, `
Resources:
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: at, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      LocalSecondaryIndexes:
        - IndexName: byAt
          KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: at, KeyType: RANGE}]
          Projection: {ProjectionType: ALL}
  Q:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: provided.al2023, CodeUri: fn}
`)
	before := len(nodeChildren(t))
	_, err := Start(context.Background(), tpl, Options{Install: &in})
	if err == nil || !strings.Contains(err.Error(), "template.yaml:3: table Things: dynalite's CreateTable: ValidationException:") {
		t.Fatalf("Start error = %v, want the table's line and CreateTable's error", err)
	}
	if after := nodeChildren(t); len(after) != before {
		t.Errorf("node children after a failed Start: %v", after)
	}
}

func TestStartWithoutResources(t *testing.T) {
	s, err := Start(context.Background(), parse(t, "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Runtime: provided.al2023, CodeUri: fn}\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.PIDs()) != 0 || len(s.Env(nil)) != 0 || len(s.Endpoints()) != 0 {
		t.Errorf("services started for a template without tables or queues: %+v", s)
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
}

func TestEnv(t *testing.T) {
	s := &Services{DynamoDB: "http://127.0.0.1:1", SQS: "http://127.0.0.1:2"}
	tests := []struct {
		name string
		own  map[string]string
		want string
	}{
		{"both", nil, "AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:1 AWS_ENDPOINT_URL_SQS=http://127.0.0.1:2"},
		{"function sets its own DynamoDB endpoint", map[string]string{EnvDynamoDBEndpoint: "x"}, "AWS_ENDPOINT_URL_SQS=http://127.0.0.1:2"},
		{"function sets the global endpoint", map[string]string{"AWS_ENDPOINT_URL": "x"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := s.Env(tt.own)
			var got []string
			for _, k := range []string{EnvDynamoDBEndpoint, EnvSQSEndpoint} {
				if v, ok := env[k]; ok {
					got = append(got, k+"="+v)
				}
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("Env = %v, want %s", env, tt.want)
			}
		})
	}
}

func TestFindMissing(t *testing.T) {
	t.Setenv(EnvDir, t.TempDir())
	_, err := Find()
	if err == nil || !strings.Contains(err.Error(), SetupCommand) || !strings.Contains(err.Error(), "npm package dynalite is not installed") {
		t.Errorf("Find with an empty %s = %v, want what is missing and %s", EnvDir, err, SetupCommand)
	}
}

func TestFindOldNode(t *testing.T) {
	dir := t.TempDir()
	for pkg, v := range map[string]string{"node": "20.11.0", "dynalite": "4.0.0", "fauxqs": "2.4.1"} {
		d := filepath.Join(dir, "node_modules", pkg)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "package.json"), []byte(`{"version":"`+v+`"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvDir, dir)
	_, err := Find()
	if err == nil || !strings.Contains(err.Error(), "npm package node is 20.11.0; fauxqs needs 22.5 or newer") {
		t.Errorf("Find = %v, want the Node.js version problem", err)
	}
}

func TestParseProcAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0100007F:1F90", "127.0.0.1:8080"},
		{"00000000:0050", "0.0.0.0:80"},
		{"00000000000000000000000001000000:0016", "[::1]:22"},
		{"0000000000000000FFFF00000100007F:0016", "127.0.0.1:22"},
	}
	for _, tt := range tests {
		got, err := parseProcAddr(tt.in)
		if err != nil || got.String() != tt.want {
			t.Errorf("parseProcAddr(%s) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	if _, err := parseProcAddr("zz:1"); err == nil {
		t.Error("parseProcAddr accepted a bad address")
	}
}

func TestLocalARNs(t *testing.T) {
	arns := map[string]string{"dlq": "arn:aws:sqs:us-east-1:000000000000:dlq"}
	tests := []struct{ name, in, want string }{
		{"account rewritten", `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":5}`,
			`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":5}`},
		{"unknown queue kept", `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:other"}`,
			`{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:other"}`},
		{"allow policy", `{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:eu-west-1:1:dlq"]}`,
			`{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:000000000000:dlq"]}`},
		{"not JSON kept", `nope`, `nope`},
	}
	for _, tt := range tests {
		if got := localARNs(tt.in, arns); got != tt.want {
			t.Errorf("%s: localARNs = %s, want %s", tt.name, got, tt.want)
		}
	}
}
