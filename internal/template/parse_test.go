package template

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want func(dir string) []Function
	}{
		{
			name: "defaults",
			yaml: `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: minimal
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: provided.al2023
      CodeUri: fn
Outputs:
  Ignored:
    Value: !GetAtt Hello.Arn
`,
			want: func(dir string) []Function {
				return []Function{{
					Name: "Hello", Runtime: "provided.al2023", Handler: "bootstrap",
					CodeURI: filepath.Join(dir, "fn"), MemoryMB: 128, Timeout: 3 * time.Second,
					Environment: map[string]string{}, Architecture: "x86_64", Line: 6,
				}}
			},
		},
		{
			name: "every property",
			yaml: `
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: go1.x
    Properties:
      FunctionName: orders-prod
      Description: ignored
      Runtime: provided.al2
      Handler: main
      CodeUri: ./fn/../fn/
      MemorySize: 1769
      Timeout: 900
      Architectures: [arm64]
      Environment:
        Variables:
          TABLE: orders
          DEBUG: true
          RETRIES: 3
          EMPTY:
      Events:
        Api:
          Type: HttpApi
      Policies: [AWSLambdaBasicExecutionRole]
      Tracing: Active
`,
			want: func(dir string) []Function {
				return []Function{{
					Name: "Orders", Runtime: "provided.al2", Handler: "main",
					CodeURI: filepath.Join(dir, "fn"), MemoryMB: 1769, Timeout: 900 * time.Second,
					Environment:  map[string]string{"TABLE": "orders", "DEBUG": "true", "RETRIES": "3", "EMPTY": ""},
					Architecture: "arm64", BuildMethod: "go1.x", Line: 3,
				}}
			},
		},
		{
			name: "globals merge",
			yaml: `
Globals:
  Function:
    Runtime: provided
    CodeUri: other
    MemorySize: 256
    Timeout: 10
    Architectures: [arm64]
    Environment:
      Variables:
        SHARED: global
        OVERRIDDEN: global
  Api:
    Cors: '*'
Resources:
  Own:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn
      MemorySize: 512
      Architectures: [x86_64]
      Environment:
        Variables:
          OVERRIDDEN: own
          LOCAL: own
  Inherit:
    Type: AWS::Serverless::Function
`,
			want: func(dir string) []Function {
				return []Function{
					{
						Name: "Inherit", Runtime: "provided", Handler: "bootstrap",
						CodeURI: filepath.Join(dir, "other"), MemoryMB: 256, Timeout: 10 * time.Second,
						Environment:  map[string]string{"SHARED": "global", "OVERRIDDEN": "global"},
						Architecture: "arm64", Line: 26,
					},
					{
						Name: "Own", Runtime: "provided", Handler: "bootstrap",
						CodeURI: filepath.Join(dir, "fn"), MemoryMB: 512, Timeout: 10 * time.Second,
						Environment:  map[string]string{"SHARED": "global", "OVERRIDDEN": "own", "LOCAL": "own"},
						Architecture: "x86_64", Line: 16,
					},
				}
			},
		},
		{
			name: "numbers as strings",
			yaml: `
Resources:
  Strings:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: provided.al2023
      CodeUri: fn
      MemorySize: "1024"
      Timeout: ' 30 '
`,
			want: func(dir string) []Function {
				return []Function{{
					Name: "Strings", Runtime: "provided.al2023", Handler: "bootstrap",
					CodeURI: filepath.Join(dir, "fn"), MemoryMB: 1024, Timeout: 30 * time.Second,
					Environment: map[string]string{}, Architecture: "x86_64", Line: 3,
				}}
			},
		},
		{
			name: "sorted by name, other resources ignored",
			yaml: `
Resources:
  Zeta:
    Type: AWS::Serverless::Function
    Properties: {Runtime: provided.al2023, CodeUri: fn}
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
  Alpha:
    Type: AWS::Serverless::Function
    Properties: {Runtime: provided.al2023, CodeUri: other}
`,
			want: func(dir string) []Function {
				fn := func(name, code string, line int) Function {
					return Function{
						Name: name, Runtime: "provided.al2023", Handler: "bootstrap",
						CodeURI: filepath.Join(dir, code), MemoryMB: 128, Timeout: 3 * time.Second,
						Environment: map[string]string{}, Architecture: "x86_64", Line: line,
					}
				}
				return []Function{fn("Alpha", "other", 13), fn("Zeta", "fn", 3)}
			},
		},
		{
			name: "JSON template with long-form intrinsics",
			yaml: `{
  "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
  "Resources": {
    "Json": {
      "Type": "AWS::Serverless::Function",
      "Properties": {
        "Runtime": "provided.al2023",
        "CodeUri": "fn",
        "Environment": {"Variables": {"STAGE": {"Ref": "Stage"}, "NAME": {"Fn::Sub": "${AWS::StackName}-${Stage}"}}}
      }
    }
  }
}`,
			want: func(dir string) []Function {
				return []Function{{
					Name: "Json", Runtime: "provided.al2023", Handler: "bootstrap",
					CodeURI: filepath.Join(dir, "fn"), MemoryMB: 128, Timeout: 3 * time.Second,
					Environment:  map[string]string{"STAGE": "dev", "NAME": "coldstart-dev"},
					Architecture: "x86_64", Line: 4,
				}}
			},
		},
		{
			name: "anchors and aliases",
			yaml: `
Resources:
  First:
    Type: AWS::Serverless::Function
    Properties: &common
      Runtime: provided.al2023
      CodeUri: fn
      Environment:
        Variables: {AB: "1"}
  Second:
    Type: AWS::Serverless::Function
    Properties: *common
`,
			want: func(dir string) []Function {
				fn := func(name string, line int) Function {
					return Function{
						Name: name, Runtime: "provided.al2023", Handler: "bootstrap",
						CodeURI: filepath.Join(dir, "fn"), MemoryMB: 128, Timeout: 3 * time.Second,
						Environment: map[string]string{"AB": "1"}, Architecture: "x86_64", Line: line,
					}
				}
				return []Function{fn("First", 3), fn("Second", 10)}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := codeDir(t)
			tmpl, err := Parse([]byte(tt.yaml), dir)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tmpl.Path != "" {
				t.Errorf("Path = %q, want empty for Parse", tmpl.Path)
			}
			if want := tt.want(dir); !reflect.DeepEqual(tmpl.Functions, want) {
				t.Errorf("Functions =\n%+v\nwant\n%+v", tmpl.Functions, want)
			}
		})
	}
}

func TestParseEnvironmentNotShared(t *testing.T) {
	// Functions inheriting the same Globals must not share one map, or an
	// override applied to one would leak into the other.
	const yaml = `
Globals:
  Function:
    Runtime: provided.al2023
    CodeUri: fn
    Environment: {Variables: {K1: v}}
Resources:
  A: {Type: AWS::Serverless::Function}
  B: {Type: AWS::Serverless::Function}
`
	tmpl, err := Parse([]byte(yaml), codeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	tmpl.Functions[0].Environment["K1"] = "changed"
	if got := tmpl.Functions[1].Environment["K1"]; got != "v" {
		t.Errorf("B's K1 = %q after changing A's, want v", got)
	}
}

func TestLoad(t *testing.T) {
	dir := codeDir(t)
	path := writeFile(t, dir, "template.yaml", `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: provided.al2023, CodeUri: fn}
  Bad:
    Type: AWS::Serverless::Function
    Properties: {Runtime: provided.al2023, CodeUri: fn, MemorySize: 1}
`, 0o644)
	_, err := Load(path)
	if want := path + ":8: function Bad: MemorySize 1 is outside 128..10240 MB"; err == nil || err.Error() != want {
		t.Fatalf("Load error = %v, want %s", err, want)
	}

	writeFile(t, dir, "template.yaml", `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: provided.al2023, CodeUri: fn}
`, 0o644)
	t.Chdir(dir)
	tmpl, err := Load("template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.Path != path {
		t.Errorf("Path = %q, want %q", tmpl.Path, path)
	}
	fn, ok := tmpl.Function("Fn")
	if !ok || fn.CodeURI != filepath.Join(dir, "fn") {
		t.Errorf("Function(Fn) = %+v, %v; want CodeURI %s", fn, ok, filepath.Join(dir, "fn"))
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.HasPrefix(err.Error(), "read template: ") {
		t.Errorf("Load(missing) error = %v, want read template: …", err)
	}
}

func TestTemplateFunction(t *testing.T) {
	tmpl := &Template{Functions: []Function{
		{Name: "A", Environment: map[string]string{"K": "v"}},
		{Name: "B"},
		{Name: "C"},
	}}
	for _, name := range []string{"A", "B", "C"} {
		if fn, ok := tmpl.Function(name); !ok || fn.Name != name {
			t.Errorf("Function(%q) = %q, %v", name, fn.Name, ok)
		}
	}
	if _, ok := tmpl.Function("D"); ok {
		t.Error("Function(D) found, want not found")
	}
	fn, _ := tmpl.Function("A")
	fn.Environment["K"] = "changed"
	if tmpl.Functions[0].Environment["K"] != "v" {
		t.Error("changing a returned Function's Environment changed the template")
	}
}
