package template

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Function is one AWS::Serverless::Function after Globals are applied.
type Function struct {
	Name         string            // logical ID (function name, as in `sam local`)
	Runtime      string            // e.g. "provided.al2023"
	Handler      string            // e.g. "bootstrap"
	CodeURI      string            // absolute, cleaned path of the code directory
	MemoryMB     int               // default 128; valid 128..10240
	Timeout      time.Duration     // template seconds; default 3 s; valid 1..900 s
	Environment  map[string]string // Environment.Variables (never nil)
	Architecture string            // "x86_64" (default) or "arm64", from Architectures (exactly one element)
	BuildMethod  string            // Metadata.BuildMethod, e.g. "go1.x"; "" when absent
	// Uses lists the tables and queues (logical IDs) the function's
	// environment refers to, so a run of only some functions starts only the
	// services they need.
	Uses []string
	Line int // line of the resource in the template, for error messages
}

// Template is a parsed SAM template.
type Template struct {
	Path      string     // absolute path of the file ("" when parsed from bytes)
	Functions []Function // sorted by Name
	Tables    []Table    // DynamoDB tables, sorted by LogicalID
	Queues    []Queue    // SQS queues, sorted by LogicalID
	// Routes are the functions' HttpApi events, in template order: the one
	// HTTP API of `serve --http`. URLs are their FunctionUrlConfigs, sorted
	// by Function. See events.go.
	Routes []HTTPRoute
	URLs   []FunctionURL
}

// Region is what !Ref AWS::Region and ${AWS::Region} resolve to. Set it before
// Load or Parse (for example from a --region flag); they read it once per call
// and never write it.
var Region = "us-east-1"

// Fixed pseudo parameter values: there is no account or stack locally, and
// these are the values AWS documentation and SAM use in examples.
const (
	accountID = "123456789012"
	stackName = "coldstart"
	partition = "aws"
	urlSuffix = "amazonaws.com"
)

// parseName is the file name errors use when the template came from bytes.
const parseName = "template.yaml"

// Load reads and parses the template at path. A relative CodeUri is resolved
// against the template's directory, as sam does. Errors start with path as
// given, so they read like compiler errors relative to the user's directory.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	t, err := parse(data, path, filepath.Dir(abs))
	if err != nil {
		return nil, err
	}
	t.Path = abs
	return t, nil
}

// Parse parses a template held in memory; dir is the base for relative CodeUri
// paths (the current directory when empty). Errors name the file
// "template.yaml".
func Parse(data []byte, dir string) (*Template, error) {
	return parse(data, parseName, dir)
}

// Function returns the function with the given logical ID. Its Environment is
// a copy, so callers may change it without changing the template.
func (t *Template) Function(name string) (Function, bool) {
	i := sort.Search(len(t.Functions), func(i int) bool { return t.Functions[i].Name >= name })
	if i < len(t.Functions) && t.Functions[i].Name == name {
		fn := t.Functions[i]
		fn.Environment = maps.Clone(fn.Environment)
		return fn, true
	}
	return Function{}, false
}
