package template

import (
	"reflect"
	"strconv"
	"testing"
)

const eventsTemplate = `
Globals:
  Function:
    Runtime: provided.al2023
    CodeUri: fn
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Create:
          Type: HttpApi
          Properties:
            Path: /orders
            Method: post
        Get:
          Type: HttpApi
          Properties:
            Path: !Sub /orders/{id}
            Method: GET
            PayloadFormatVersion: "2.0"
            TimeoutInMillis: 5000
        Queue:
          Type: SQS
          Properties:
            Queue: arn:aws:sqs:us-east-1:123456789012:q
  Files:
    Type: AWS::Serverless::Function
    Properties:
      FunctionUrlConfig:
        AuthType: NONE
      Events:
        All:
          Type: HttpApi
          Properties:
            Path: /files/{proxy+}
            Method: any
        Rest:
          Type: HttpApi
  Hook:
    Type: AWS::Serverless::Function
    Properties:
      FunctionUrlConfig:
        AuthType: AWS_IAM
        InvokeMode: RESPONSE_STREAM
        Cors: {AllowOrigins: ["*"]}
`

func TestEventsParse(t *testing.T) {
	tmpl, err := Parse([]byte(eventsTemplate), codeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	line := func(marker string) int { return lineContaining(t, eventsTemplate, marker) }
	wantRoutes := []HTTPRoute{
		{Function: "Orders", Event: "Create", Method: "POST", Path: "/orders", Line: line("Create:")},
		{Function: "Orders", Event: "Get", Method: "GET", Path: "/orders/{id}", Line: line("Get:")},
		{Function: "Files", Event: "All", Method: "ANY", Path: "/files/{proxy+}", Line: line("All:")},
		{Function: "Files", Event: "Rest", Method: "ANY", Path: DefaultRoute, Line: line("Rest:")},
	}
	if !reflect.DeepEqual(tmpl.Routes, wantRoutes) {
		t.Errorf("routes\n got %+v\nwant %+v", tmpl.Routes, wantRoutes)
	}
	wantURLs := []FunctionURL{
		{Function: "Files", AuthType: "NONE", InvokeMode: "BUFFERED", Line: line("AuthType: NONE")},
		{Function: "Hook", AuthType: "AWS_IAM", InvokeMode: "RESPONSE_STREAM", Line: line("AuthType: AWS_IAM")},
	}
	if !reflect.DeepEqual(tmpl.URLs, wantURLs) {
		t.Errorf("urls\n got %+v\nwant %+v", tmpl.URLs, wantURLs)
	}
}

func TestEventsGlobalFunctionURL(t *testing.T) {
	yaml := "Globals:\n  Function:\n    FunctionUrlConfig:\n      AuthType: NONE\n" +
		fnWith(base) + "  Bar:\n    Type: AWS::Serverless::Function\n    Properties:\n" + base
	tmpl, err := Parse([]byte(yaml), codeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(tmpl.URLs) != 2 || tmpl.URLs[0].Function != "Bar" || tmpl.URLs[1].Function != "Foo" {
		t.Errorf("urls %+v, want Bar and Foo from Globals", tmpl.URLs)
	}
}

// event is a one-event Events block for fnWith.
func event(name, props string) string {
	s := "      Events:\n        " + name + ":\n          Type: HttpApi\n"
	if props != "" {
		s += "          Properties:\n" + props
	}
	return s
}

func TestEventsErrors(t *testing.T) {
	second := "  Bar:\n    Type: AWS::Serverless::Function\n    Properties:\n" + base
	tests := []struct {
		name string
		yaml string
		at   string // text on the line the error must name
		want string // message after "template.yaml:N: "
	}{
		{"method without path", fnWith(base + event("E", "            Method: GET\n")), "Method: GET",
			"function Foo: event E: Method without Path (give both, or neither for the $default route)"},
		{"path without method", fnWith(base + event("E", "            Path: /a\n")), "Path: /a",
			"function Foo: event E: Path without Method (give both, or neither for the $default route)"},
		{"bad method", fnWith(base + event("E", "            Path: /a\n            Method: FETCH\n")), "Method: FETCH",
			`function Foo: event E: Method "FETCH" is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY`},
		{"relative path", fnWith(base + event("E", "            Path: a\n            Method: GET\n")), "Path: a",
			`function Foo: event E: Path "a": must start with /`},
		{"greedy in the middle", fnWith(base + event("E", "            Path: /{p+}/x\n            Method: GET\n")), "Path: /{p+}/x",
			`function Foo: event E: Path "/{p+}/x": greedy variable {p+} must be the last segment`},
		{"partial variable", fnWith(base + event("E", "            Path: /a{b}\n            Method: GET\n")), "Path: /a{b}",
			`function Foo: event E: Path "/a{b}": segment "a{b}": a path variable must be a whole segment`},
		{"payload 1.0", fnWith(base + event("E", "            Path: /a\n            Method: GET\n            PayloadFormatVersion: \"1.0\"\n")),
			"PayloadFormatVersion", `function Foo: event E: PayloadFormatVersion "1.0" is not supported; the local HTTP API sends 2.0`},
		{"event without type", fnWith(base + "      Events:\n        E:\n          Properties: {}\n"), "E:",
			"function Foo: event E: missing Type"},
		{"duplicate route in one function",
			fnWith(base + event("A", "            Path: /a/{x}\n            Method: GET\n") + "        B:\n          Type: HttpApi\n          Properties:\n            Path: /a/{y}\n            Method: GET\n"),
			"B:", "function Foo: event B: route GET /a/{y} repeats the route of event A of Foo (line 8)"},
		{"duplicate default across functions",
			fnWith(base+event("A", "")) + second + event("B", ""),
			"B:", "function Bar: event B: route $default repeats the route of event A of Foo (line 8)"},
		{"url without auth type", fnWith(base + "      FunctionUrlConfig: {InvokeMode: BUFFERED}\n"), "FunctionUrlConfig",
			"function Foo: FunctionUrlConfig: missing AuthType (NONE or AWS_IAM)"},
		{"url bad auth type", fnWith(base + "      FunctionUrlConfig:\n        AuthType: OPEN\n"), "AuthType",
			`function Foo: FunctionUrlConfig.AuthType "OPEN" is not NONE or AWS_IAM`},
		{"url bad invoke mode", fnWith(base + "      FunctionUrlConfig:\n        AuthType: NONE\n        InvokeMode: FAST\n"), "InvokeMode",
			`function Foo: FunctionUrlConfig.InvokeMode "FAST" is not BUFFERED or RESPONSE_STREAM`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), codeDir(t))
			if err == nil {
				t.Fatal("no error")
			}
			want := "template.yaml:" + strconv.Itoa(lineContaining(t, tt.yaml, tt.at)) + ": " + tt.want
			if err.Error() != want {
				t.Errorf("error\n got %s\nwant %s", err, want)
			}
		})
	}
}

func TestEventsOtherTypesIgnored(t *testing.T) {
	yaml := fnWith(base + "      Events:\n        Tick:\n          Type: Schedule\n          Properties: {Schedule: rate(1 minute)}\n" +
		"        Rest:\n          Type: Api\n          Properties: {Path: /x, Method: get}\n")
	tmpl, err := Parse([]byte(yaml), codeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(tmpl.Routes) != 0 || len(tmpl.URLs) != 0 {
		t.Errorf("routes %v urls %v from non-HttpApi events", tmpl.Routes, tmpl.URLs)
	}
}
