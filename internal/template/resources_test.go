package template

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// withFunction appends a function whose environment is vars (YAML lines at
// the Variables level) to resources.
func withFunction(resources, vars string) string {
	out := "Resources:\n" + resources + `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: provided.al2023
      CodeUri: fn
`
	if vars != "" {
		out += "      Environment:\n        Variables:\n" + vars
	}
	return out
}

const ordersTable = `  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${AWS::StackName}-orders"
      AttributeDefinitions:
        - {AttributeName: id, AttributeType: S}
        - {AttributeName: customer, AttributeType: S}
        - {AttributeName: at, AttributeType: N}
      KeySchema:
        - {AttributeName: id, KeyType: HASH}
        - {AttributeName: at, KeyType: RANGE}
      ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: "2"}
      GlobalSecondaryIndexes:
        - IndexName: byCustomer
          KeySchema: [{AttributeName: customer, KeyType: HASH}]
          Projection: {ProjectionType: INCLUDE, NonKeyAttributes: [total]}
          ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
      LocalSecondaryIndexes:
        - IndexName: byIdCustomer
          KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: customer, KeyType: RANGE}]
          Projection: {ProjectionType: KEYS_ONLY}
      StreamSpecification: {StreamViewType: NEW_IMAGE}
      TimeToLiveSpecification: {AttributeName: expires, Enabled: true}
      SSESpecification: {SSEEnabled: true}
      Tags: [{Key: team, Value: x}]
`

func TestTables(t *testing.T) {
	yaml := withFunction(ordersTable+`  Sessions:
    Type: AWS::Serverless::SimpleTable
  Counters:
    Type: AWS::Serverless::SimpleTable
    Properties:
      TableName: counters
      PrimaryKey: {Name: name, Type: Number}
      ProvisionedThroughput: {ReadCapacityUnits: 2, WriteCapacityUnits: 3}
`, "")
	tmpl, err := Parse([]byte(yaml), codeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []Table{
		{
			LogicalID: "Counters", Name: "counters", BillingMode: "PROVISIONED",
			KeySchema:  []KeyElement{{"name", "HASH"}},
			Attributes: []AttributeDefinition{{"name", "N"}},
			Throughput: &Throughput{2, 3}, Line: lineContaining(t, yaml, "Counters:"),
		},
		{
			LogicalID: "Orders", Name: "coldstart-orders", BillingMode: "PROVISIONED",
			KeySchema:  []KeyElement{{"id", "HASH"}, {"at", "RANGE"}},
			Attributes: []AttributeDefinition{{"id", "S"}, {"customer", "S"}, {"at", "N"}},
			Throughput: &Throughput{5, 2},
			GlobalIndexes: []Index{{Name: "byCustomer", KeySchema: []KeyElement{{"customer", "HASH"}},
				ProjectionType: "INCLUDE", NonKeyAttributes: []string{"total"}, Throughput: &Throughput{1, 1}}},
			LocalIndexes: []Index{{Name: "byIdCustomer", KeySchema: []KeyElement{{"id", "HASH"}, {"customer", "RANGE"}},
				ProjectionType: "KEYS_ONLY"}},
			StreamViewType: "NEW_IMAGE", TTLAttribute: "expires", Line: lineContaining(t, yaml, "Orders:"),
		},
		{
			LogicalID: "Sessions", Name: "Sessions", BillingMode: "PAY_PER_REQUEST",
			KeySchema:  []KeyElement{{"id", "HASH"}},
			Attributes: []AttributeDefinition{{"id", "S"}}, Line: lineContaining(t, yaml, "Sessions:"),
		},
	}
	if !reflect.DeepEqual(tmpl.Tables, want) {
		t.Errorf("Tables =\n%+v\nwant\n%+v", tmpl.Tables, want)
	}
}

func TestQueues(t *testing.T) {
	yaml := withFunction(`  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
      VisibilityTimeout: 60
      MessageRetentionPeriod: "3600"
      SqsManagedSseEnabled: false
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Dead.Arn
        maxReceiveCount: 3
      Tags: [{Key: team, Value: x}]
  Dead:
    Type: AWS::SQS::Queue
    Properties:
      RedriveAllowPolicy: '{"redrivePermission":"allowAll"}'
  Events:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: "true"
      ContentBasedDeduplication: true
      DeduplicationScope: messageGroup
      FifoThroughputLimit: perMessageGroupId
`, "")
	tmpl, err := Parse([]byte(yaml), codeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []Queue{
		{LogicalID: "Dead", Name: "Dead", Attributes: map[string]string{"RedriveAllowPolicy": `{"redrivePermission":"allowAll"}`},
			Line: lineContaining(t, yaml, "Dead:")},
		{LogicalID: "Events", Name: "Events.fifo", FIFO: true, Attributes: map[string]string{
			"FifoQueue": "true", "ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup",
			"FifoThroughputLimit": "perMessageGroupId"}, Line: lineContaining(t, yaml, "Events:")},
		{LogicalID: "Jobs", Name: "jobs", Attributes: map[string]string{
			"VisibilityTimeout": "60", "MessageRetentionPeriod": "3600", "SqsManagedSseEnabled": "false",
			"RedrivePolicy": `{"deadLetterTargetArn":"` + deferred("Dead", AttrArn) + `","maxReceiveCount":3}`},
			Line: lineContaining(t, yaml, "Jobs:")},
	}
	if !reflect.DeepEqual(tmpl.Queues, want) {
		t.Errorf("Queues =\n%+v\nwant\n%+v", tmpl.Queues, want)
	}
	got, err := Expand(tmpl.Queues[2].Attributes["RedrivePolicy"], map[string]string{"Dead.Arn": "arn:aws:sqs:us-east-1:0:Dead"})
	if err != nil || got != `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:0:Dead","maxReceiveCount":3}` {
		t.Errorf("Expand(RedrivePolicy) = %s, %v", got, err)
	}
}

// resourcesForRefs are what TestResourceRefs refers to.
const resourcesForRefs = `  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      StreamSpecification: {StreamViewType: KEYS_ONLY}
  Plain:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  Simple:
    Type: AWS::Serverless::SimpleTable
    Properties: {TableName: !Sub "${Orders}-simple"}
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {QueueName: jobs}
  Fifo:
    Type: AWS::SQS::Queue
    Properties: {FifoQueue: true}
  Bucket:
    Type: AWS::S3::Bucket
`

func TestResourceRefs(t *testing.T) {
	values := map[string]string{
		"Jobs.QueueUrl": "http://127.0.0.1:9/000000000000/jobs", "Jobs.Arn": "arn:aws:sqs:us-east-1:000000000000:jobs",
		"Fifo.QueueUrl": "http://127.0.0.1:9/000000000000/Fifo.fifo", "Fifo.Arn": "arn:aws:sqs:us-east-1:000000000000:Fifo.fifo",
	}
	tests := []struct{ name, expr, want string }{
		{"Ref table", "!Ref Orders", "orders"},
		{"Ref table without TableName", "!Ref Plain", "Plain"},
		{"Ref SimpleTable with computed name", "!Ref Simple", "orders-simple"},
		{"GetAtt table Arn", "!GetAtt Orders.Arn", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"},
		{"GetAtt list form", "!GetAtt [Orders, Arn]", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"},
		{"Fn::GetAtt long form", `{"Fn::GetAtt": [Plain, Arn]}`, "arn:aws:dynamodb:us-east-1:123456789012:table/Plain"},
		{"GetAtt StreamArn", "!GetAtt Orders.StreamArn", "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/" + streamLabel},
		{"GetAtt SimpleTable Arn", "!GetAtt Simple.Arn", "arn:aws:dynamodb:us-east-1:123456789012:table/orders-simple"},
		{"Ref queue is its URL", "!Ref Jobs", "http://127.0.0.1:9/000000000000/jobs"},
		{"GetAtt QueueUrl", "!GetAtt Jobs.QueueUrl", "http://127.0.0.1:9/000000000000/jobs"},
		{"GetAtt queue Arn", "!GetAtt Jobs.Arn", "arn:aws:sqs:us-east-1:000000000000:jobs"},
		{"GetAtt QueueName", "!GetAtt Jobs.QueueName", "jobs"},
		{"FIFO queue without a name", "!GetAtt Fifo.QueueName", "Fifo.fifo"},
		{"Sub with attributes", `!Sub "${Jobs.QueueName} ${Fifo.Arn} ${Orders.Arn}"`,
			"jobs arn:aws:sqs:us-east-1:000000000000:Fifo.fifo arn:aws:dynamodb:us-east-1:123456789012:table/orders"},
		{"Sub variable with GetAtt", `!Sub ["q=${Q}", {Q: !GetAtt Jobs.QueueUrl}]`, "q=http://127.0.0.1:9/000000000000/jobs"},
		{"GetAtt function Arn", "!GetAtt Fn.Arn", "arn:aws:lambda:us-east-1:123456789012:function:Fn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse([]byte(withFunction(resourcesForRefs, "          VALUE: "+tt.expr+"\n")), codeDir(t))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if err := tmpl.Bind(values); err != nil {
				t.Fatalf("Bind: %v", err)
			}
			if fn, _ := tmpl.Function("Fn"); fn.Environment["VALUE"] != tt.want {
				t.Errorf("VALUE = %q, want %q", fn.Environment["VALUE"], tt.want)
			}
		})
	}
}

func TestBindMissingValue(t *testing.T) {
	yaml := withFunction(resourcesForRefs, "          URL: !Ref Jobs\n")
	tmpl, err := Parse([]byte(yaml), codeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	want := "template.yaml:" + strconv.Itoa(lineContaining(t, yaml, "  Fn:")) +
		": function Fn: environment variable URL: Jobs.QueueUrl has no value: is the local service for it running?"
	if err := tmpl.Bind(nil); err == nil || err.Error() != want {
		t.Errorf("Bind(nil) = %v, want %s", err, want)
	}
}

func TestResourceErrors(t *testing.T) {
	const keys = "      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n" +
		"      KeySchema: [{AttributeName: id, KeyType: HASH}]\n"
	table := func(props string) string {
		return "  Tbl:\n    Type: AWS::DynamoDB::Table\n    Properties:\n" + props
	}
	queue := func(props string) string {
		return "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n" + props
	}
	tests := []struct {
		name, resources, vars, marker, want string
	}{
		{"missing KeySchema", table("      BillingMode: PAY_PER_REQUEST\n"), "", "Tbl:",
			"table Tbl: missing KeySchema"},
		{"sort key first", table("      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n      KeySchema: [{AttributeName: id, KeyType: RANGE}]\n"), "", "KeySchema:",
			"table Tbl: KeySchema: element 1 must be the HASH key, not RANGE"},
		{"undefined key attribute", table("      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n"), "", "AttributeDefinitions:",
			`table Tbl: key attribute "id" is not in AttributeDefinitions`},
		{"unused attribute", table("      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: name, AttributeType: S}]\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n"), "", "AttributeDefinitions:",
			`table Tbl: AttributeDefinitions: "name" is in no key schema (DynamoDB defines key attributes only)`},
		{"bad attribute type", table("      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions: [{AttributeName: id, AttributeType: String}]\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n"), "", "AttributeDefinitions:",
			`table Tbl: AttributeType must be one of S, N, B, not "String"`},
		{"provisioned without throughput", table(keys), "", "Tbl:",
			"table Tbl: missing ProvisionedThroughput (BillingMode PROVISIONED needs it; use BillingMode: PAY_PER_REQUEST for on-demand)"},
		{"on-demand with throughput", table(keys + "      BillingMode: PAY_PER_REQUEST\n      ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}\n"), "", "ProvisionedThroughput:",
			"table Tbl: ProvisionedThroughput must not be set with BillingMode PAY_PER_REQUEST"},
		{"zero capacity", table(keys + "      ProvisionedThroughput: {ReadCapacityUnits: 0, WriteCapacityUnits: 1}\n"), "", "ProvisionedThroughput:",
			"table Tbl: ProvisionedThroughput.ReadCapacityUnits 0 is outside 1..1073741824 units"},
		{"unknown table property", table(keys + "      BillingMode: PAY_PER_REQUEST\n      Bogus: 1\n"), "", "Bogus:",
			"table Tbl: unknown or unsupported property Bogus"},
		{"import source", table(keys + "      BillingMode: PAY_PER_REQUEST\n      ImportSourceSpecification: {}\n"), "", "ImportSourceSpecification:",
			"table Tbl: ImportSourceSpecification is not supported: local tables start empty"},
		{"bad table name", table(keys + "      BillingMode: PAY_PER_REQUEST\n      TableName: a b\n"), "", "TableName:",
			`table Tbl: table name "a b" must be 3 to 255 of a-z, A-Z, 0-9, _, - and .`},
		{"index without projection", table(keys + "      BillingMode: PAY_PER_REQUEST\n      GlobalSecondaryIndexes:\n        - IndexName: byId\n          KeySchema: [{AttributeName: id, KeyType: HASH}]\n"), "", "- IndexName:",
			"table Tbl: GlobalSecondaryIndexes byId: missing Projection"},
		{"computed KeySchema element", table("      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n      KeySchema: [!Ref AWS::NoValue]\n"), "", "KeySchema:",
			"table Tbl: KeySchema must be written out as a mapping, not computed by an intrinsic"},
		{"duplicate table names", table(keys+"      BillingMode: PAY_PER_REQUEST\n      TableName: same\n") +
			"  Other:\n    Type: AWS::DynamoDB::Table\n    Properties:\n" + keys + "      BillingMode: PAY_PER_REQUEST\n      TableName: same\n", "", "Other:",
			`table Other: table Other has the same name "same" as Tbl`},
		{"SimpleTable key type", "  Simp:\n    Type: AWS::Serverless::SimpleTable\n    Properties: {PrimaryKey: {Name: k, Type: S}}\n", "", "PrimaryKey",
			`table Simp: PrimaryKey.Type must be one of String, Number, Binary, not "S"`},
		{"FIFO without .fifo name", queue("      FifoQueue: true\n      QueueName: jobs\n"), "", "QueueName:",
			`queue Q: FIFO queue name "jobs" must end in .fifo`},
		{".fifo name on a standard queue", queue("      QueueName: jobs.fifo\n"), "", "QueueName:",
			`queue Q: queue name "jobs.fifo" ends in .fifo but FifoQueue is not true`},
		{"FIFO attribute on a standard queue", queue("      ContentBasedDeduplication: true\n"), "", "ContentBasedDeduplication:",
			"queue Q: ContentBasedDeduplication is only for FIFO queues (FifoQueue: true)"},
		{"delay out of range", queue("      DelaySeconds: 901\n"), "", "DelaySeconds:",
			"queue Q: DelaySeconds 901 is outside 0..900 seconds"},
		{"not a boolean", queue("      FifoQueue: yes please\n"), "", "FifoQueue:",
			`queue Q: FifoQueue must be true or false, not "yes please"`},
		{"policy not JSON", queue("      RedrivePolicy: nope\n"), "", "RedrivePolicy:",
			"queue Q: RedrivePolicy is not a JSON document"},
		{"unknown queue property", queue("      Bogus: 1\n"), "", "Bogus:",
			"queue Q: unknown or unsupported property Bogus"},
		{"name cycle", "  A:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !GetAtt B.QueueName}\n  B:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !GetAtt A.QueueName}\n", "", "QueueName: !GetAtt A",
			"queue A: QueueName: the name of A refers to itself\ntemplate.yaml:4: queue B: QueueName: the name of B refers to itself"},
		{"queue URL as a name", queue("      QueueName: !Sub '${Other}-x'\n") + "  Other:\n    Type: AWS::SQS::Queue\n", "", "QueueName:",
			"queue Q: QueueName: Other.QueueUrl is known only once the local services run, so only Environment.Variables and a queue's redrive policies may use it"},
		{"StreamArn without a stream", table(keys + "      BillingMode: PAY_PER_REQUEST\n"), "          V: !GetAtt Tbl.StreamArn\n", "V:",
			"function Fn: environment variable V: GetAtt Tbl.StreamArn: table Tbl has no StreamSpecification"},
		{"unknown queue attribute", queue("      DelaySeconds: 0\n"), "          V: !GetAtt Q.Url\n", "V:",
			"function Fn: environment variable V: GetAtt Q.Url: a queue's attributes are Arn, QueueName and QueueUrl"},
		{"GetAtt unknown resource", "", "          V: !GetAtt Nope.Arn\n", "V:",
			`function Fn: environment variable V: GetAtt of unknown resource "Nope"`},
		{"GetAtt without attribute", "", "          V: !GetAtt Fn\n", "V:",
			"function Fn: environment variable V: !GetAtt takes Resource.Attribute or [Resource, Attribute]"},
		{"GetAtt of a function's other attribute", "", "          V: !GetAtt Fn.Name\n", "V:",
			"function Fn: environment variable V: GetAtt Fn.Name: coldstart resolves only a function's Arn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := withFunction(tt.resources, tt.vars)
			_, err := Parse([]byte(yaml), codeDir(t))
			want := "template.yaml:" + strconv.Itoa(lineContaining(t, yaml, tt.marker)) + ": " + tt.want
			if err == nil || err.Error() != want {
				t.Errorf("error =\n%v\nwant\n%s", err, want)
			}
		})
	}
}

func TestDeferredOnlyInEnvironment(t *testing.T) {
	yaml := "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Fn:\n    Type: AWS::Serverless::Function\n" +
		"    Properties:\n      Runtime: provided.al2023\n      CodeUri: fn\n      Handler: !Ref Q\n"
	_, err := Parse([]byte(yaml), codeDir(t))
	want := "template.yaml:9: function Fn: Handler: Q.QueueUrl is known only once the local services run"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want %s…", err, want)
	}
}

func TestExpand(t *testing.T) {
	values := map[string]string{"Q.QueueUrl": "u", "Q.Arn": "a"}
	tests := []struct{ in, want, err string }{
		{"plain", "plain", ""},
		{deferred("Q", AttrQueueURL), "u", ""},
		{"x" + deferred("Q", AttrArn) + "y" + deferred("Q", AttrQueueURL), "xayu", ""},
		{deferred("R", AttrArn), "", "R.Arn has no value: is the local service for it running?"},
		{deferOpen + "Q.Arn", "", "unterminated deferred value"},
	}
	for _, tt := range tests {
		got, err := Expand(tt.in, values)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Expand(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestPolicyAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata:\n      l0: &l0 [x]\n")
	for i := 1; i <= 40; i++ {
		b.WriteString("      l" + strconv.Itoa(i) + ": &l" + strconv.Itoa(i) + " [*l" + strconv.Itoa(i-1) + ", *l" + strconv.Itoa(i-1) + "]\n")
	}
	b.WriteString("    Properties:\n      RedrivePolicy: {big: *l40}\n")
	_, err := Parse([]byte(withFunction(strings.TrimPrefix(b.String(), "Resources:\n"), "")), codeDir(t))
	if err == nil || !strings.HasSuffix(err.Error(), "RedrivePolicy.big expands to too much text") {
		t.Errorf("error = %v, want a size error", err)
	}
}
