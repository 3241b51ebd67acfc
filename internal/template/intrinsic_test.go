package template

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// intrinsicTemplate puts expr as the value of environment variable VALUE (and
// CodeUri as code) of function Fn, next to parameters and resources to refer to.
func intrinsicTemplate(expr, code string) string {
	return `
Parameters:
  Stage: {Type: String, Default: dev}
  Size: {Type: Number, Default: 5}
  Code: {Type: String, Default: fn}
  NoDefault: {Type: String}
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: orders, BillingMode: PAY_PER_REQUEST, KeySchema: [{AttributeName: id, KeyType: HASH}], AttributeDefinitions: [{AttributeName: id, AttributeType: S}]}
  Queue:
    Type: AWS::SQS::Queue
  Computed:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Sub "${Stage}-bucket"}
  Named:
    Type: AWS::Serverless::Function
    Properties: {Runtime: provided.al2023, CodeUri: other, FunctionName: named-fn}
  Plain:
    Type: AWS::Lambda::Function
    Properties: {FunctionName: plain-fn}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: provided.al2023
      CodeUri: ` + code + `
      Environment:
        Variables:
          VALUE: ` + expr + `
`
}

func TestIntrinsics(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"Ref parameter", "!Ref Stage", "dev"},
		{"Ref number parameter", "!Ref Size", "5"},
		{"Ref long form", "{Ref: Stage}", "dev"},
		{"Ref AWS::Region", "!Ref AWS::Region", "us-east-1"},
		{"Ref AWS::AccountId", "!Ref AWS::AccountId", "123456789012"},
		{"Ref AWS::StackName", "!Ref AWS::StackName", "coldstart"},
		{"Ref AWS::Partition", "!Ref AWS::Partition", "aws"},
		{"Ref AWS::URLSuffix", "!Ref AWS::URLSuffix", "amazonaws.com"},
		{"Ref resource with TableName", "!Ref Table", "orders"},
		{"Ref queue is its URL, known once services run", "!Ref Queue", deferred("Queue", AttrQueueURL)},
		{"Ref resource with computed name", "!Ref Computed", "Computed"},
		{"Ref function ignores FunctionName", "!Ref Named", "Named"},
		{"Ref Lambda function with FunctionName", "!Ref Plain", "plain-fn"},
		{"Ref function without FunctionName", "!Ref Fn", "Fn"},
		{"Sub", `!Sub "${Stage}-${AWS::Region}-${Table}"`, "dev-us-east-1-orders"},
		{"Sub long form", `{"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Queue.QueueName}"}`, "arn:aws:sqs:us-east-1:123456789012:Queue"},
		{"Sub with variables", `!Sub ["${Prefix}-${Stage}", {Prefix: !Ref AWS::AccountId}]`, "123456789012-dev"},
		{"Sub variable shadows parameter", `!Sub ["${Stage}", {Stage: prod}]`, "prod"},
		{"Sub literal", `!Sub "${!Literal}-${Stage}"`, "${Literal}-dev"},
		{"Sub without placeholders", `!Sub plain`, "plain"},
		{"nested Sub", `!Sub ["${A}", {A: !Sub "${Stage}!"}]`, "dev!"},
		{"core tag is plain", `!!str 123`, "123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse([]byte(intrinsicTemplate(tt.expr, "fn")), codeDir(t))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			fn, _ := tmpl.Function("Fn")
			if got := fn.Environment["VALUE"]; got != tt.want {
				t.Errorf("VALUE = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIntrinsicCodeURI(t *testing.T) {
	dir := codeDir(t)
	tmpl, err := Parse([]byte(intrinsicTemplate("x", "!Ref Code")), dir)
	if err != nil {
		t.Fatal(err)
	}
	if fn, _ := tmpl.Function("Fn"); !strings.HasSuffix(fn.CodeURI, "/fn") {
		t.Errorf("CodeURI = %q, want …/fn", fn.CodeURI)
	}
}

func TestRegion(t *testing.T) {
	old := Region
	t.Cleanup(func() { Region = old })
	Region = "eu-west-1"
	tmpl, err := Parse([]byte(intrinsicTemplate(`!Sub "${AWS::Region}"`, "fn")), codeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if fn, _ := tmpl.Function("Fn"); fn.Environment["VALUE"] != "eu-west-1" {
		t.Errorf("VALUE = %q, want eu-west-1", fn.Environment["VALUE"])
	}
}

func TestIntrinsicErrors(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"GetAtt of a bucket", "!GetAtt Computed.Arn", "environment variable VALUE: GetAtt Computed.Arn: coldstart resolves attributes of AWS::DynamoDB::Table, AWS::Serverless::SimpleTable, AWS::SQS::Queue and AWS::Serverless::Function only, not of AWS::S3::Bucket"},
		{"Join", "!Join [',', [a, b]]", "environment variable VALUE: unsupported intrinsic !Join (coldstart resolves only !Ref, !Sub and !GetAtt)"},
		{"If long form", `{"Fn::If": [C, a, b]}`, "environment variable VALUE: unsupported intrinsic Fn::If (coldstart resolves only !Ref, !Sub and !GetAtt)"},
		{"Select", "!Select [0, [a]]", "environment variable VALUE: unsupported intrinsic !Select (coldstart resolves only !Ref, !Sub and !GetAtt)"},
		{"unknown tag", "!Foo bar", "environment variable VALUE: unknown tag !Foo"},
		{"unknown long form", `{"Fn::Foo": bar}`, "environment variable VALUE: unknown intrinsic Fn::Foo"},
		{"Sub unknown attribute", `!Sub "${Table.Nope}"`, "environment variable VALUE: GetAtt Table.Nope: a table's attributes are Arn and StreamArn"},
		{"Sub unterminated", `!Sub "${Stage"`, `environment variable VALUE: !Sub: unterminated ${ in "Stage"`},
		{"Sub unknown name", `!Sub "${Nope}"`, `environment variable VALUE: Ref to unknown parameter or resource "Nope"`},
		{"Sub bad argument", `!Sub [a, b, c]`, "environment variable VALUE: !Sub takes a string or [string, {variables}]"},
		{"Ref unknown", "!Ref Nope", `environment variable VALUE: Ref to unknown parameter or resource "Nope"`},
		{"Ref without Default", "!Ref NoDefault", "environment variable VALUE: parameter NoDefault has no Default (coldstart does not take parameter overrides)"},
		{"Ref unsupported pseudo", "!Ref AWS::NoValue", "environment variable VALUE: unsupported pseudo parameter AWS::NoValue"},
		{"Ref of a list", "!Ref [a]", "environment variable VALUE: !Ref takes a logical ID"},
		{"mapping value", "{a: b}", "environment variable VALUE must be a string, not a mapping"},
		{"list value", "[a, b]", "environment variable VALUE must be a string, not a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := intrinsicTemplate(tt.expr, "fn")
			_, err := Parse([]byte(yaml), codeDir(t))
			want := "template.yaml:" + strconv.Itoa(lineContaining(t, yaml, "VALUE:")) + ": function Fn: " + tt.want
			if err == nil || err.Error() != want {
				t.Errorf("error =\n%v\nwant\n%s", err, want)
			}
		})
	}
}

func TestIntrinsicLimits(t *testing.T) {
	// Each level is a !Sub of the level below, twice: without limits, deep
	// chains would recurse without end and doubling would need terabytes.
	chain := func(levels int) string {
		var b strings.Builder
		b.WriteString("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n")
		b.WriteString("      Runtime: provided.al2023\n      CodeUri: fn\n      Unused:\n")
		b.WriteString("        l0: &l0 " + strings.Repeat("a", 64) + "\n")
		for i := 1; i <= levels; i++ {
			fmt.Fprintf(&b, "        l%d: &l%d !Sub [\"${x}${x}\", {x: *l%d}]\n", i, i, i-1)
		}
		fmt.Fprintf(&b, "      Environment: {Variables: {BIG: *l%d}}\n", levels)
		return b.String()
	}
	tests := []struct {
		name   string
		levels int
		want   string
	}{
		{"deep", 40, "environment variable BIG: intrinsic functions nested too deeply"},
		{"wide", 20, "environment variable BIG: !Sub expands to too much text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(chain(tt.levels)), codeDir(t))
			if err == nil || !strings.HasSuffix(err.Error(), tt.want) {
				t.Errorf("error = %v, want …%s", err, tt.want)
			}
		})
	}
}
