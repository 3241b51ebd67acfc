package runtimes_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// pythonRuntime is the runtime the Python tests run on; the client is the
// same for python3.9 to python3.14.
const pythonRuntime = "python3.11"

// pyLogLine is AWS's text log format for the logging module:
// [LEVEL]\t<UTC time with ms>Z\t<request id>\t<message>.
var pyLogLine = regexp.MustCompile(`^\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t([0-9a-f-]*)\t(.*)$`)

func TestPythonHandler(t *testing.T) {
	b := startRuntime(t, function{Runtime: pythonRuntime, Handler: "app.handler", Files: map[string]string{
		"app.py": `import logging, sys
print("init line")

def handler(event, context):
    print("print:", event["text"])
    print("stderr:", event["text"], file=sys.stderr)
    logging.warning("two\nlines")
    logging.info("not shown: the root logger stays at WARNING, as on AWS")
    return {"text": event["text"].upper()}
`,
	}})
	cold := b.invoke(t, "fn", `{"text":"hi"}`)
	wantOK(t, cold, `{"text":"HI"}`, true)
	if cold.InitDuration <= 0 {
		t.Errorf("cold InitDuration = %v", cold.InitDuration)
	}
	warm := b.invoke(t, "fn", `{"text":"again"}`)
	wantOK(t, warm, `{"text":"AGAIN"}`, false)

	log := string(warm.Log)
	if !strings.Contains(log, "\nprint: again\nstderr: again\n") {
		t.Errorf("print output missing from the invoke's log:\n%s", log)
	}
	if strings.Contains(log, "not shown") {
		t.Errorf("an INFO record was logged at the default level:\n%s", log)
	}
	var found bool
	for _, line := range strings.Split(log, "\n") {
		if m := pyLogLine.FindStringSubmatch(line); m != nil {
			found = true
			if m[1] != warm.RequestID || m[2] != "two\rlines" {
				t.Errorf("log line %q: want request id %s and message %q", line, warm.RequestID, "two\rlines")
			}
		}
	}
	if !found {
		t.Errorf("no logging line in AWS's format:\n%s", log)
	}
	if !strings.Contains(strings.Join(b.lines(), "\n"), "init line") {
		t.Errorf("init output missing:\n%s", strings.Join(b.lines(), "\n"))
	}
}

// TestPythonTimeoutKeepsOutput: what a handler wrote before it timed out is
// in its log, as stdout and stderr are unbuffered (as AWS makes them).
func TestPythonTimeoutKeepsOutput(t *testing.T) {
	t.Parallel()
	b := startRuntime(t, function{Runtime: pythonRuntime, Handler: "app.handler", Timeout: time.Second, Files: map[string]string{
		"app.py": `import logging, time

def handler(event, context):
    print("before the timeout")
    logging.warning("still here")
    time.sleep(30)
`,
	}})
	res := b.invoke(t, "fn", `{}`)
	if res.ErrorType != "Sandbox.Timedout" {
		t.Fatalf("ErrorType = %q, want Sandbox.Timedout: %s", res.ErrorType, res.Payload)
	}
	if log := string(res.Log); !strings.Contains(log, "\nbefore the timeout\n") || !strings.Contains(log, "\tstill here\n") {
		t.Errorf("output before the timeout lost:\n%s", log)
	}
}

func TestPythonHandlerError(t *testing.T) {
	b := startRuntime(t, function{Runtime: pythonRuntime, Handler: "app.handler", Files: map[string]string{
		"app.py": `def fail(msg):
    raise ValueError(msg)

def handler(event, context):
    if event.get("fail"):
        fail("boom")
    return "ok"
`,
	}})
	res := b.invoke(t, "fn", `{"fail":true}`)
	if res.FunctionError != platform.FunctionErrorUnhandled {
		t.Fatalf("FunctionError = %q, want Unhandled: %s", res.FunctionError, res.Payload)
	}
	e := parseError(t, res.Payload)
	if e.ErrorType != "ValueError" || e.ErrorMessage != "boom" || e.RequestID == nil || *e.RequestID != res.RequestID {
		t.Errorf("error = %+v, want ValueError boom with request id %s", e, res.RequestID)
	}
	// AWS's trace: the user's frames only, each as traceback.format_list
	// writes it, without column markers.
	if len(e.StackTrace) != 2 ||
		!strings.HasPrefix(e.StackTrace[0], `  File "`) || !strings.HasSuffix(e.StackTrace[0], "/app.py\", line 6, in handler\n    fail(\"boom\")\n") ||
		!strings.HasSuffix(e.StackTrace[1], "/app.py\", line 2, in fail\n    raise ValueError(msg)\n") {
		t.Errorf("stackTrace = %q", e.StackTrace)
	}
	log := string(res.Log)
	if !strings.Contains(log, "\n[ERROR] ValueError: boom\rTraceback (most recent call last):\r\u00a0\u00a0File \"") ||
		!strings.Contains(log, "\r\u00a0\u00a0\u00a0\u00a0raise ValueError(msg)\n") {
		t.Errorf("log lacks AWS's [ERROR] line:\n%q", log)
	}
	wantOK(t, b.invoke(t, "fn", `{}`), `"ok"`, false)
}

func TestPythonInitErrors(t *testing.T) {
	tests := []struct {
		name, handler, code string
		errorType, message  string
		stack               string // a substring of the stack trace; "" = empty
	}{
		{name: "missing module", handler: "nope.handler", code: "",
			errorType: "Runtime.ImportModuleError", message: "Unable to import module 'nope': No module named 'nope'"},
		{name: "missing function", handler: "app.handler", code: "x = 1\n",
			errorType: "Runtime.HandlerNotFound", message: "Handler 'handler' missing on module 'app'"},
		{name: "malformed", handler: "app", code: "x = 1\n",
			errorType: "Runtime.MalformedHandlerName", message: "Bad handler 'app': not enough values to unpack (expected 2, got 1)"},
		{name: "syntax error", handler: "app.handler", code: "def handler(:\n",
			errorType: "Runtime.UserCodeSyntaxError", message: "Syntax error in module 'app': invalid syntax (app.py, line 1)",
			stack: "app.py\" Line 1\n    def handler(:\n"},
		{name: "raise at import", handler: "app.handler", code: "raise KeyError('cfg')\n",
			errorType: "KeyError", message: "'cfg'", stack: "/app.py\", line 1, in <module>\n    raise KeyError('cfg')\n"},
	}
	var fns []function
	for i, tt := range tests {
		fns = append(fns, function{Name: "fn" + string(rune('a'+i)), Runtime: pythonRuntime, Handler: tt.handler,
			Files: map[string]string{"app.py": tt.code}})
	}
	b := startRuntime(t, fns...)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := b.invoke(t, fns[i].Name, `{}`)
			if res.FunctionError != platform.FunctionErrorUnhandled || res.ErrorType != tt.errorType && strings.HasPrefix(tt.errorType, "Runtime.") {
				t.Fatalf("FunctionError %q ErrorType %q, want Unhandled %s: %s", res.FunctionError, res.ErrorType, tt.errorType, res.Payload)
			}
			e := parseError(t, res.Payload)
			if e.ErrorType != tt.errorType || e.ErrorMessage != tt.message || e.RequestID == nil || *e.RequestID != "" {
				t.Errorf("error = %+v (requestId %v), want %s %q", e, e.RequestID, tt.errorType, tt.message)
			}
			stack := strings.Join(e.StackTrace, "")
			if tt.stack == "" && len(e.StackTrace) != 0 || !strings.Contains(stack, tt.stack) || strings.Contains(stack, "/bootstrap.py") {
				t.Errorf("stackTrace = %q, want it to contain %q", e.StackTrace, tt.stack)
			}
			log := string(res.Log)
			if !strings.HasPrefix(tt.errorType, "Runtime.") {
				return // the platform reports other types as Runtime.Unknown
			}
			for _, want := range []string{
				"\tPhase: init\tStatus: error\tError Type: " + tt.errorType + "\n",
				"\tPhase: invoke\tStatus: error\tError Type: " + tt.errorType + "\n",
				"\n[ERROR] " + tt.errorType + ": " + tt.message + "\rTraceback (most recent call last):",
				"\t\tLAMBDA_WARNING: Unhandled exception.",
			} {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}
			if !regexp.MustCompile(`(?m)^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error`).MatchString(log) {
				t.Errorf("no INIT_REPORT for the init phase:\n%s", log)
			}
		})
	}
}

func TestPythonContext(t *testing.T) {
	b := startRuntime(t, function{Runtime: pythonRuntime, Handler: "lib/ctx.handler", MemoryMB: 512, Files: map[string]string{
		// lib has no __init__.py: a namespace package, as AWS allows.
		"lib/ctx.py": `import os, sys, time

def handler(event, context):
    first = context.get_remaining_time_in_millis()
    time.sleep(0.05)
    second = context.get_remaining_time_in_millis()
    cc = context.client_context
    return {
        "first": first, "second": second,
        "request_id": context.aws_request_id, "function_name": context.function_name,
        "function_version": context.function_version, "memory": context.memory_limit_in_mb,
        "arn": context.invoked_function_arn, "group": context.log_group_name, "stream": context.log_stream_name,
        "identity": context.identity.cognito_identity_id, "pool": context.identity.cognito_identity_pool_id,
        "custom": cc.custom if cc else None, "client": cc.client.app_title if cc and cc.client else None,
        "handler": os.environ["_HANDLER"], "task_root": os.environ["LAMBDA_TASK_ROOT"], "cwd": os.getcwd(),
        "path0": sys.path[0], "exec_env": os.environ["AWS_EXECUTION_ENV"],
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
    }
`,
	}})
	res := b.doOK(t, platform.Request{Function: "fn", Payload: []byte(`{}`),
		ClientContext:   `{"client":{"app_title":"demo"},"custom":{"k":"v"},"env":{}}`,
		CognitoIdentity: `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`})
	var got struct {
		First, Second                              int64
		RequestID                                  string `json:"request_id"`
		FunctionName                               string `json:"function_name"`
		FunctionVersion                            string `json:"function_version"`
		Memory                                     any
		ARN, Group, Stream, Identity, Pool, Client string
		Custom                                     map[string]string
		Handler                                    string
		TaskRoot                                   string `json:"task_root"`
		Cwd, Path0                                 string
		ExecEnv                                    string `json:"exec_env"`
		Trace                                      string
	}
	if err := json.Unmarshal(res.Payload, &got); err != nil {
		t.Fatalf("%v: %s", err, res.Payload)
	}
	if got.First <= 0 || got.First > 10000 || got.Second >= got.First {
		t.Errorf("remaining time %d then %d ms, want 0 < second < first <= 10000", got.First, got.Second)
	}
	// AWS's context reads the memory size from the environment: a string.
	if got.RequestID != res.RequestID || got.FunctionName != "fn" || got.FunctionVersion != "$LATEST" || got.Memory != "512" ||
		!strings.HasPrefix(got.ARN, "arn:aws:lambda:") || !strings.HasSuffix(got.ARN, ":function:fn") ||
		got.Group != "/aws/lambda/fn" || got.Stream == "" {
		t.Errorf("context = %+v (request id %s)", got, res.RequestID)
	}
	if got.Identity != "id-1" || got.Pool != "pool-1" || got.Custom["k"] != "v" || got.Client != "demo" {
		t.Errorf("identity/client context = %+v", got)
	}
	if got.Handler != "lib/ctx.handler" || got.TaskRoot != got.Cwd || got.Path0 != got.TaskRoot ||
		got.ExecEnv != "AWS_Lambda_"+pythonRuntime || !strings.HasPrefix(got.Trace, "Root=1-") {
		t.Errorf("environment = %+v", got)
	}
}

func TestPythonResults(t *testing.T) {
	b := startRuntime(t, function{Runtime: pythonRuntime, Handler: "pkg.app.handler", Files: map[string]string{
		"pkg/__init__.py": "",
		"pkg/app.py": `import decimal

def handler(event, context):
    kind = event["kind"]
    if kind == "none":
        return None
    if kind == "decimal":
        return {"d": decimal.Decimal("1.5")}
    if kind == "unicode":
        return {"s": "caf\u00e9"}
    if kind == "bytes":
        return b"raw"
    if kind == "set":
        return {1, 2}
    if kind == "big":
        return event["s"] * 2
`,
	}})
	for _, tt := range []struct{ kind, want string }{
		{"none", "null"},
		{"decimal", `{"d": 1.5}`},
		{"unicode", `{"s": "caf\u00e9"}`}, // python3.11 escapes; 3.12 and later do not
		{"bytes", "raw"},
	} {
		res := b.invoke(t, "fn", `{"kind":"`+tt.kind+`"}`)
		if res.FunctionError != "" || string(res.Payload) != tt.want {
			t.Errorf("%s: payload %s (error %q), want %s", tt.kind, res.Payload, res.FunctionError, tt.want)
		}
	}
	// Payloads larger than a socket read, both ways.
	big := strings.Repeat("x", 1<<20)
	if res := b.invoke(t, "fn", `{"kind":"big","s":"`+big+`"}`); string(res.Payload) != `"`+big+big+`"` {
		t.Errorf("big: %d-byte payload (error %q), want %d bytes", len(res.Payload), res.FunctionError, 2<<20+2)
	}
	res := b.invoke(t, "fn", `{"kind":"set"}`)
	e := parseError(t, res.Payload)
	if res.ErrorType != "Runtime.MarshalError" || e.ErrorType != "Runtime.MarshalError" ||
		e.ErrorMessage != "Unable to marshal response: Object of type set is not JSON serializable" || len(e.StackTrace) != 0 {
		t.Errorf("set: %q %s", res.ErrorType, res.Payload)
	}
	res = b.invoke(t, "fn", `not json`)
	if e := parseError(t, res.Payload); e.ErrorType != "Runtime.UnmarshalError" ||
		!strings.HasPrefix(e.ErrorMessage, "Unable to unmarshal input: Expecting value") {
		t.Errorf("bad event: %s", res.Payload)
	}
}
