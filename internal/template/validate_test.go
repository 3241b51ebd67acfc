package template

import (
	"strconv"
	"strings"
	"testing"
)

// fnWith is a one-function template (Foo) whose Properties are props.
func fnWith(props string) string {
	return "Resources:\n  Foo:\n    Type: AWS::Serverless::Function\n    Properties:\n" + props
}

// base is the Properties every case needs unless it is testing them.
const base = "      Runtime: provided.al2023\n      CodeUri: fn\n"

func TestParseErrors(t *testing.T) {
	bigValue := strings.Repeat("x", 4096-len("BIG")+1)
	tests := []struct {
		name string
		yaml string
		at   string // text on the line the error must name
		want string // message after "template.yaml:N: "; $DIR is the code dir
	}{
		{"memory too low", fnWith(base + "      MemorySize: 64\n"), "MemorySize",
			"function Foo: MemorySize 64 is outside 128..10240 MB"},
		{"memory too high", fnWith(base + "      MemorySize: 10241\n"), "MemorySize",
			"function Foo: MemorySize 10241 is outside 128..10240 MB"},
		{"memory not a number", fnWith(base + "      MemorySize: lots\n"), "MemorySize",
			`function Foo: MemorySize "lots" is not a whole number`},
		{"memory fraction", fnWith(base + "      MemorySize: 128.5\n"), "MemorySize",
			`function Foo: MemorySize "128.5" is not a whole number`},
		{"timeout zero", fnWith(base + "      Timeout: 0\n"), "Timeout",
			"function Foo: Timeout 0 is outside 1..900 seconds"},
		{"timeout too long", fnWith(base + "      Timeout: \"901\"\n"), "Timeout",
			"function Foo: Timeout 901 is outside 1..900 seconds"},
		{"two architectures", fnWith(base + "      Architectures: [x86_64, arm64]\n"), "Architectures",
			"function Foo: Architectures must be a list of exactly one of x86_64 or arm64"},
		{"no architectures", fnWith(base + "      Architectures: []\n"), "Architectures",
			"function Foo: Architectures must be a list of exactly one of x86_64 or arm64"},
		{"architecture not a list", fnWith(base + "      Architectures: arm64\n"), "Architectures",
			"function Foo: Architectures must be a list of exactly one of x86_64 or arm64"},
		{"unknown architecture", fnWith(base + "      Architectures:\n        - aarch64\n"), "aarch64",
			`function Foo: Architectures must be a list of exactly one of x86_64 or arm64, not "aarch64"`},
		{"missing CodeUri", fnWith("      Runtime: provided.al2023\n"), "Foo:",
			"function Foo: missing CodeUri"},
		{"missing Runtime", fnWith("      CodeUri: fn\n"), "Foo:",
			"function Foo: missing Runtime"},
		{"no Properties", "Resources:\n  Foo:\n    Type: AWS::Serverless::Function\n", "Foo:",
			"function Foo: missing Runtime"},
		{"CodeUri does not exist", fnWith("      Runtime: provided.al2023\n      CodeUri: ./nope\n"), "CodeUri",
			"function Foo: CodeUri directory $DIR/nope does not exist"},
		{"CodeUri is a file", fnWith("      Runtime: provided.al2023\n      CodeUri: fn.zip\n"), "CodeUri",
			"function Foo: CodeUri $DIR/fn.zip is not a directory (zip files are not supported yet)"},
		{"CodeUri S3 URI", fnWith("      Runtime: provided.al2023\n      CodeUri: s3://bucket/fn.zip\n"), "CodeUri",
			"function Foo: CodeUri s3://bucket/fn.zip is an S3 location; use a local directory"},
		{"CodeUri S3 object", fnWith("      Runtime: provided.al2023\n      CodeUri: {Bucket: b, Key: k}\n"), "CodeUri",
			"function Foo: CodeUri as an S3 object ({Bucket, Key}) is not supported; use a local directory"},
		{"InlineCode", fnWith("      Runtime: provided.al2023\n      InlineCode: echo\n"), "InlineCode",
			"function Foo: InlineCode is not supported; put the code in a directory and set CodeUri"},
		{"image function", fnWith("      PackageType: Image\n      ImageUri: repo:tag\n"), "PackageType",
			"function Foo: PackageType Image is not supported yet; use a zip function with a local CodeUri"},
		{"managed runtime without Handler", fnWith("      Runtime: nodejs20.x\n      CodeUri: fn\n"), "Foo:",
			`function Foo: missing Handler: runtime nodejs20.x needs one (e.g. index.handler: the export handler of index.js or index.mjs)`},
		{".NET runtime", fnWith("      Runtime: dotnet8\n      Handler: x\n      CodeUri: fn\n"), "Runtime",
			`function Foo: runtime "dotnet8" is not supported: .NET is not available on this platform; package it for provided.al2023 with a bootstrap (e.g. a self-contained or Native AOT build)`},
		{"deprecated runtime", fnWith("      Runtime: nodejs16.x\n      Handler: x\n      CodeUri: fn\n"), "Runtime",
			`function Foo: runtime "nodejs16.x" is not supported (deprecated by AWS or unknown); supported: nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x, python3.9, python3.10, python3.11, python3.12, python3.13, python3.14, java11, java17, java21, java25`},
		{"go1.x runtime", fnWith("      Runtime: go1.x\n      CodeUri: fn\n"), "Runtime",
			`function Foo: runtime "go1.x" was retired by AWS; use provided.al2023 with Metadata: BuildMethod: go1.x`},
		{"empty Handler", fnWith(base + "      Handler: ''\n"), "Handler",
			"function Foo: Handler is empty"},
		{"env key with a digit first", fnWith(base + "      Environment:\n        Variables:\n          OK: v\n          1BAD: v\n"), "1BAD",
			`function Foo: environment variable name "1BAD" must match [a-zA-Z]([a-zA-Z0-9_])+`},
		{"env key of one letter", fnWith(base + "      Environment:\n        Variables:\n          A: v\n"), "A: v",
			`function Foo: environment variable name "A" must match [a-zA-Z]([a-zA-Z0-9_])+`},
		{"env key with a dash", fnWith(base + "      Environment:\n        Variables:\n          MY-KEY: v\n"), "MY-KEY",
			`function Foo: environment variable name "MY-KEY" must match [a-zA-Z]([a-zA-Z0-9_])+`},
		{"reserved key", fnWith(base + "      Environment:\n        Variables:\n          AWS_REGION: eu-west-1\n"), "AWS_REGION",
			"function Foo: " + lambdaReservedMsg + "AWS_REGION"},
		{"reserved keys", fnWith(base + "      Environment:\n        Variables:\n          LAMBDA_TASK_ROOT: /x\n          AWS_ACCESS_KEY_ID: k\n"), "AWS_ACCESS_KEY_ID",
			"function Foo: Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_ACCESS_KEY_ID, LAMBDA_TASK_ROOT"},
		{"reserved key from Globals", "Globals:\n  Function:\n    Environment:\n      Variables:\n        AWS_SESSION_TOKEN: t\n" + fnWith(base), "AWS_SESSION_TOKEN",
			"function Foo: " + lambdaReservedMsg + "AWS_SESSION_TOKEN"},
		{"env over 4 KB", fnWith(base + "      Environment:\n        Variables:\n          BIG: " + bigValue + "\n"), "Variables",
			"function Foo: environment variables are 4097 bytes (keys + values), over Lambda's 4 KB limit (4096)"},
		{"env not a mapping", fnWith(base + "      Environment:\n        Variables: [a]\n"), "Variables",
			"function Foo: Environment.Variables must be a mapping"},
		{"no functions", "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n", "Resources",
			"no AWS::Serverless::Function in Resources"},
		{"no Resources", "Description: nothing\n", "Description",
			"no AWS::Serverless::Function in Resources"},
		{"empty", "", "",
			"template is empty"},
		{"comment only", "# nothing\n", "",
			"template is empty"},
		{"not a mapping", "- a\n- b\n", "- a",
			"template must be a mapping"},
		{"syntax error", "Resources:\n  Foo:\n    Type: x\n   Bad: [\n", "Bad",
			"did not find expected key"},
		{"tab indentation", "Resources:\n\tFoo: x\n", "Foo",
			"found character that cannot start any token"},
		{"two documents", fnWith(base) + "---\nResources: {}\n", "---",
			"more than one YAML document"},
		{"duplicate key", fnWith(base + "      MemorySize: 256\n      MemorySize: 512\n"), "MemorySize: 512",
			`resource Foo Properties: duplicate key "MemorySize" (first at line 7)`},
		{"unknown section", "Resource:\n  Foo: {}\n", "Resource:",
			`unknown top-level section "Resource"`},
		{"resource without Type", "Resources:\n  Foo:\n    Properties: {}\n", "Foo",
			"resource Foo: missing Type"},
		{"logical ID not alphanumeric", "Resources:\n  my-fn:\n    Type: AWS::Serverless::Function\n", "my-fn",
			`logical ID "my-fn" must be alphanumeric`},
		{"parameter and resource clash", fnWith(base) + "Parameters:\n  Foo: {Type: String}\n", "Foo:",
			`logical ID "Foo" is both a parameter and a resource`},
		{"unclosed quote", fnWith(base + "      Handler: 'main\n      Timeout: 3\n"), "Handler",
			"found unexpected end of stream"},
		{"flow list missing comma", fnWith(base + "      Architectures: [\n        x86_64\n        arm64 b: c]\n"), "x86_64",
			"did not find expected ',' or ']'"},
		{"bad indentation in a list", "Resources:\n  Foo:\n    Type: x\n  - b\n", "- b",
			"did not find expected key"},
		{"unknown alias", fnWith(base + "      Handler: *nope\n"), "*nope",
			"unknown anchor 'nope' referenced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := codeDir(t)
			writeFile(t, dir, "fn.zip", "PK", 0o644)
			_, err := Parse([]byte(tt.yaml), dir)
			line := 1
			if tt.at != "" {
				line = lineContaining(t, tt.yaml, tt.at)
			}
			prefix := "template.yaml:" + strconv.Itoa(line) + ": "
			want := prefix + strings.ReplaceAll(tt.want, "$DIR", dir)
			if err == nil {
				t.Fatalf("no error, want %s", want)
			}
			if !strings.HasPrefix(err.Error(), prefix) || !strings.HasSuffix(err.Error(), strings.ReplaceAll(tt.want, "$DIR", dir)) {
				t.Errorf("error =\n%v\nwant\n%s", err, want)
			}
		})
	}
}

func TestParseErrorsAllFunctions(t *testing.T) {
	// Every broken function is reported at once, in template order, so a
	// user fixes a template in one pass.
	const yaml = `Resources:
  B:
    Type: AWS::Serverless::Function
    Properties: {Runtime: provided.al2023, CodeUri: fn, Timeout: 0}
  Good:
    Type: AWS::Serverless::Function
    Properties: {Runtime: provided.al2023, CodeUri: fn}
  A:
    Type: AWS::Serverless::Function
    Properties: {Runtime: java8.al2, Handler: a.B, CodeUri: fn}
`
	_, err := Parse([]byte(yaml), codeDir(t))
	want := "template.yaml:4: function B: Timeout 0 is outside 1..900 seconds\n" +
		`template.yaml:10: function A: runtime "java8.al2" is not supported: use java11 or newer (the Java client needs the Java 11 platform)`
	if err == nil || err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
}
