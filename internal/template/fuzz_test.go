package template

import "testing"

// FuzzParse checks only that Parse never panics or hangs, whatever the bytes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Globals:
  Function:
    Timeout: 10
    Environment: {Variables: {STAGE: !Ref Stage}}
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: orders}
  Uppercase:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: go1.x}
    Properties:
      Runtime: provided.al2023
      Handler: bootstrap
      CodeUri: fn
      MemorySize: "512"
      Architectures: [arm64]
      Environment:
        Variables:
          TABLE: !Ref Table
          ARN: !Sub ["arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${T}", {T: !Ref Table}]
          BAD: !GetAtt Table.Arn
`))
	f.Add([]byte(`Resources:
  Q: {Type: AWS::SQS::Queue, Properties: {FifoQueue: true, RedrivePolicy: {deadLetterTargetArn: !GetAtt D.Arn, maxReceiveCount: 2}}}
  D: {Type: AWS::SQS::Queue}
  S: {Type: AWS::Serverless::SimpleTable, Properties: {PrimaryKey: {Name: k, Type: Number}}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: provided.al2023
      CodeUri: fn
      Environment: {Variables: {U: !Ref Q, N: !Sub "${Q.QueueName}-${S.Arn}", A: !GetAtt [D, Arn]}}
`))
	f.Add([]byte(`{"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "provided", "CodeUri": {"Fn::Sub": "${AWS::StackName}"}}}}}`))
	f.Add([]byte("Resources:\n  A: &a {Type: AWS::Serverless::Function, Properties: {Runtime: provided.al2, CodeUri: other}}\n  B: *a\n"))
	f.Add([]byte("Resources:\n  Foo:\n    Type: x\n   Bad: [\n"))
	dir := codeDir(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		tmpl, err := Parse(data, dir)
		if err == nil && len(tmpl.Functions) == 0 {
			t.Error("Parse succeeded with no functions")
		}
	})
}

// FuzzEnvOverrides checks that parsing an --env-vars file never panics.
func FuzzEnvOverrides(f *testing.F) {
	f.Add([]byte(`{"Parameters": {"STAGE": "test"}, "Fn": {"N": 1, "B": true}}`))
	f.Add([]byte(`{"Fn": {"K": null}}`))
	f.Add([]byte("{\n  \"Fn\": [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := parseEnvOverrides(data, "env.json")
		if err == nil {
			_ = o.Apply(&Template{Functions: []Function{{Name: "Fn"}}})
		}
	})
}
