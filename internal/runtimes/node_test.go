package runtimes_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/coldstartlab/coldstart/internal/platform"
	"github.com/coldstartlab/coldstart/internal/runtimeapi"
)

const nodeRuntime = "nodejs20.x"

// nodeUpperCJS, nodeUpperESM: the same handler, CommonJS and ES module.
const (
	nodeUpperCJS = `exports.handler = async (event) => ({ text: event.text.toUpperCase() });`
	nodeUpperESM = `await new Promise((r) => setTimeout(r, 1)); // top-level await is part of init
export const handler = async (event) => ({ text: event.text.toUpperCase() });`
)

// TestNodeModuleFormats loads one handler from each kind of module AWS
// resolves, then invokes it cold and warm.
func TestNodeModuleFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler string
		files   map[string]string
	}{
		{"commonjs", "index.handler", map[string]string{"index.js": nodeUpperCJS}},
		{"esm .mjs", "index.handler", map[string]string{"index.mjs": nodeUpperESM}},
		{"esm .js type module", "index.handler", map[string]string{
			"index.js": nodeUpperESM, "package.json": `{"type":"module"}`}},
		{".cjs", "index.handler", map[string]string{"index.cjs": nodeUpperCJS}},
		{"subdirectory, nearest package.json", "src/app.handler", map[string]string{
			"src/app.js": nodeUpperESM, "package.json": `{"name":"x","type":"module"}`}},
		{"nested export", "index.a.handler", map[string]string{
			"index.js": `exports.a = { handler: async (event) => ({ text: event.text.toUpperCase() }) };`}},
		{"callback", "index.handler", map[string]string{
			"index.js": `exports.handler = (event, context, callback) => {
				setTimeout(() => callback(null, { text: event.text.toUpperCase() }), 5);
			};`}},
		{"context.succeed", "index.handler", map[string]string{
			"index.js": `exports.handler = (event, context) => { context.succeed({ text: event.text.toUpperCase() }); };`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := startRuntime(t, function{Runtime: nodeRuntime, Handler: tt.handler, Files: tt.files})
			wantOK(t, b.invoke(t, "fn", `{"text":"hi"}`), `{"text":"HI"}`, true)
			wantOK(t, b.invoke(t, "fn", `{"text":"again"}`), `{"text":"AGAIN"}`, false)
		})
	}
}

// TestNodeCompletion covers the ways a handler ends an invoke.
func TestNodeCompletion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		code string
		want string // payload on success
		// errType, when set, is the error the invoke fails with.
		errType string
	}{
		{"async returns undefined", `exports.handler = async () => {};`, `null`, ""},
		{"sync returns without callback", `exports.handler = () => 42;`, `null`, ""},
		{"callback(null) with no result", `exports.handler = (e, c, cb) => cb(null);`, `null`, ""},
		{"callback waits for the event loop", `exports.handler = (e, c, cb) => {
			let n = 0;
			setTimeout(() => { n = 1; }, 20);
			cb(null, { get n() { return n; } });
		};`, `{"n":1}`, ""},
		{"callbackWaitsForEmptyEventLoop false", `exports.handler = (e, c, cb) => {
			c.callbackWaitsForEmptyEventLoop = false;
			let n = 0;
			setTimeout(() => { n = 1; }, 20);
			cb(null, { get n() { return n; } });
		};`, `{"n":0}`, ""},
		{"only the first completion counts", `exports.handler = (e, c, cb) => { cb(null, 1); cb(null, 2); c.succeed(3); };`, `1`, ""},
		{"callback(err)", `exports.handler = (e, c, cb) => cb(new TypeError("bad input"));`, "", "TypeError"},
		{"context.fail(string)", `exports.handler = (e, c) => c.fail("nope");`, "", "string"},
		{"async rejects", `exports.handler = async () => { throw new RangeError("out"); };`, "", "RangeError"},
		{"async never settles", `exports.handler = async () => new Promise(() => {});`, "", "Runtime.NodeJsExit"},
		{"result cannot be serialised", `exports.handler = async () => 1n;`, "", "Error"},
	}
	fns := make([]function, len(tests))
	for i, tt := range tests {
		fns[i] = function{Name: nodeFnName(i), Runtime: nodeRuntime, Handler: "index.handler",
			Files: map[string]string{"index.js": tt.code}}
	}
	b := startRuntime(t, fns...)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := b.invoke(t, nodeFnName(i), `{}`)
			if tt.errType == "" {
				wantOK(t, res, tt.want, true)
				return
			}
			if res.FunctionError != platform.FunctionErrorUnhandled {
				t.Fatalf("FunctionError = %q, want Unhandled; payload %s", res.FunctionError, res.Payload)
			}
			if e := parseError(t, res.Payload); e.ErrorType != tt.errType || e.Trace == nil {
				t.Fatalf("payload = %s, want errorType %s with a trace", res.Payload, tt.errType)
			}
			if !strings.Contains(string(res.Log), "\tERROR\tInvoke Error \t{") {
				t.Errorf("no Invoke Error line in the log:\n%s", res.Log)
			}
		})
	}
}

func nodeFnName(i int) string { return "fn" + string(rune('a'+i)) }

// TestNodeHandlerError: a thrown error is the invoke's error, in AWS's
// shape ("trace", not "stackTrace"), and the environment stays warm.
func TestNodeHandlerError(t *testing.T) {
	t.Parallel()
	b := startRuntime(t, function{Runtime: nodeRuntime, Handler: "index.handler", Files: map[string]string{
		"index.js": `exports.handler = async (event) => {
			if (event.fail) { const e = new Error("boom"); e.code = "E_BOOM"; throw e; }
			return "fine";
		};`}})
	res := b.invoke(t, "fn", `{"fail":true}`)
	// The client reports type "Error"; Lambda's rule makes that Runtime.Unknown.
	if want := runtimeapi.NormalizeErrorType("Error"); res.FunctionError != platform.FunctionErrorUnhandled || res.ErrorType != want {
		t.Fatalf("FunctionError, ErrorType = %q, %q; want Unhandled, %s", res.FunctionError, res.ErrorType, want)
	}
	e := parseError(t, res.Payload)
	if e.ErrorType != "Error" || e.ErrorMessage != "boom" || e.StackTrace != nil {
		t.Fatalf("payload = %s", res.Payload)
	}
	if len(e.Trace) < 2 || e.Trace[0] != "Error: boom" || !strings.Contains(e.Trace[1], "index.js") {
		t.Fatalf("trace = %q", e.Trace)
	}
	line := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t` + res.RequestID +
		`\tERROR\tInvoke Error \t(\{.*\})$`).FindSubmatch(res.Log)
	if line == nil {
		t.Fatalf("no Invoke Error line in the log:\n%s", res.Log)
	}
	var logged struct {
		ErrorType, ErrorMessage, Code string
		Stack                         []string
	}
	if err := json.Unmarshal(line[1], &logged); err != nil || logged.ErrorType != "Error" ||
		logged.ErrorMessage != "boom" || logged.Code != "E_BOOM" || len(logged.Stack) < 2 {
		t.Fatalf("logged error = %s (%v)", line[1], err)
	}
	res = b.invoke(t, "fn", `{}`)
	if res.Cold || res.FunctionError != "" || string(res.Payload) != `"fine"` {
		t.Fatalf("after an error: cold %v, %s %s", res.Cold, res.FunctionError, res.Payload)
	}
}

// TestNodeInitErrors: a handler that cannot be loaded fails init twice
// (INIT_REPORT Phase: init, then Phase: invoke), and the invoke answers the
// error AWS's client reports.
func TestNodeInitErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, handler string
		files         map[string]string
		errType       string
		message       string // a prefix of errorMessage
	}{
		{"missing module", "index.handler", map[string]string{"other.js": ``},
			"Runtime.ImportModuleError", "Error: Cannot find module 'index'\nRequire stack:\n- "},
		{"missing export", "index.handler", map[string]string{"index.js": `exports.other = () => 1;`},
			"Runtime.HandlerNotFound", "index.handler is undefined or not exported"},
		{"export not a function", "index.handler", map[string]string{"index.mjs": `export const handler = 1;`},
			"Runtime.HandlerNotFound", "index.handler is not a function"},
		{"malformed handler", "index", map[string]string{"index.js": ``},
			"Runtime.MalformedHandlerName", "Bad handler"},
		{"syntax error", "index.handler", map[string]string{"index.js": `exports.handler = async () => {`},
			"Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected end of input"},
		{"missing package", "index.handler", map[string]string{"index.js": `require("no-such-package");`},
			"Runtime.ImportModuleError", "Error: Cannot find module 'no-such-package'\nRequire stack:\n- "},
		{"module throws", "index.handler", map[string]string{"index.mjs": `throw new TypeError("bad config");`},
			"TypeError", "bad config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := startRuntime(t, function{Runtime: nodeRuntime, Handler: tt.handler, Files: tt.files})
			res := b.invoke(t, "fn", `{}`)
			reported := runtimeapi.NormalizeErrorType(tt.errType) // a TypeError is Runtime.Unknown to Lambda
			if res.FunctionError != platform.FunctionErrorUnhandled || res.ErrorType != reported {
				t.Fatalf("FunctionError, ErrorType = %q, %q; want Unhandled, %s\npayload %s", res.FunctionError, res.ErrorType, reported, res.Payload)
			}
			e := parseError(t, res.Payload)
			if e.ErrorType != tt.errType || !strings.HasPrefix(e.ErrorMessage, tt.message) || len(e.Trace) == 0 {
				t.Fatalf("payload = %s", res.Payload)
			}
			for _, phase := range []string{"init", "invoke"} {
				want := regexp.MustCompile(`^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: ` + phase +
					`\tStatus: error\tError Type: ` + regexp.QuoteMeta(reported) + `$`)
				if !nodeAnyMatch(b.linesWith("INIT_REPORT"), want) {
					t.Errorf("no %q line in:\n%s", want, strings.Join(b.lines(), "\n"))
				}
			}
			// AWS's client logs the failure before it reports it.
			if !nodeAnyMatch(b.lines(), regexp.MustCompile(`\tundefined\tERROR\tUncaught Exception \t\{"errorType":"`+regexp.QuoteMeta(tt.errType)+`"`)) {
				t.Errorf("no Uncaught Exception line in:\n%s", strings.Join(b.lines(), "\n"))
			}
		})
	}
}

func nodeAnyMatch(lines []string, re *regexp.Regexp) bool {
	for _, l := range lines {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

// TestNodeContext checks the context object and the environment a handler sees.
func TestNodeContext(t *testing.T) {
	t.Parallel()
	b := startRuntime(t, function{Runtime: nodeRuntime, Handler: "index.handler", Files: map[string]string{
		"index.mjs": `export const handler = async (event, context) => {
			const first = context.getRemainingTimeInMillis();
			await new Promise((r) => setTimeout(r, 50));
			const second = context.getRemainingTimeInMillis();
			return {
				first, second,
				awsRequestId: context.awsRequestId,
				functionName: context.functionName,
				functionVersion: context.functionVersion,
				memoryLimitInMB: context.memoryLimitInMB,
				invokedFunctionArn: context.invokedFunctionArn,
				logGroupName: context.logGroupName,
				logStreamName: context.logStreamName,
				waits: context.callbackWaitsForEmptyEventLoop,
				handler: process.env._HANDLER,
				taskRoot: process.env.LAMBDA_TASK_ROOT,
				cwd: process.cwd(),
				executionEnv: process.env.AWS_EXECUTION_ENV,
				traceId: process.env._X_AMZN_TRACE_ID,
			};
		};`}})
	res := b.invoke(t, "fn", `{}`)
	if res.FunctionError != "" {
		t.Fatalf("invoke failed: %s", res.Payload)
	}
	var got struct {
		First, Second                                 float64
		AwsRequestID                                  string `json:"awsRequestId"`
		FunctionName, FunctionVersion                 string
		MemoryLimitInMB                               any
		InvokedFunctionArn, LogGroupName              string
		LogStreamName                                 string
		Waits                                         bool
		Handler, TaskRoot, Cwd, ExecutionEnv, TraceID string
	}
	if err := json.Unmarshal(res.Payload, &got); err != nil {
		t.Fatal(err)
	}
	const timeoutMS = 10000 // the harness's default Timeout
	if !(got.First > 0 && got.First <= timeoutMS && got.Second < got.First) {
		t.Errorf("getRemainingTimeInMillis: first %v, second %v", got.First, got.Second)
	}
	if got.AwsRequestID != res.RequestID || got.FunctionName != "fn" || got.FunctionVersion != "$LATEST" ||
		got.MemoryLimitInMB != "512" || got.InvokedFunctionArn == "" || got.LogGroupName != "/aws/lambda/fn" ||
		got.LogStreamName == "" || !got.Waits {
		t.Errorf("context = %s", res.Payload)
	}
	if got.Handler != "index.handler" || got.TaskRoot == "" || got.TaskRoot != got.Cwd ||
		got.ExecutionEnv != "AWS_Lambda_"+nodeRuntime || got.TraceID == "" {
		t.Errorf("environment = %s", res.Payload)
	}
}

// TestNodeConsole checks AWS's text log format: one line per console call.
func TestNodeConsole(t *testing.T) {
	t.Parallel()
	b := startRuntime(t, function{Runtime: nodeRuntime, Handler: "index.handler", Files: map[string]string{
		"index.js": `console.log("loading");
		exports.handler = async () => {
			console.log("hello %s", "world", 42, { a: 1 });
			console.log("two\nlines");
			console.info("i"); console.warn("w"); console.error("e"); console.debug("d"); console.trace("t");
			return "ok";
		};`}})
	res := b.invoke(t, "fn", `{}`)
	wantOK(t, res, `"ok"`, true)
	var got []string
	line := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t([^\t]+)\t([A-Z]+)\t(.*)$`)
	for _, l := range strings.Split(strings.TrimSuffix(string(res.Log), "\n"), "\n") {
		if m := line.FindStringSubmatch(l); m != nil && m[1] == res.RequestID {
			got = append(got, m[2]+" "+m[3])
		}
	}
	want := []string{"INFO hello world 42 { a: 1 }", "INFO two\rlines", "INFO i", "WARN w", "ERROR e", "DEBUG d", "TRACE t"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log lines = %q, want %q\nlog:\n%s", got, want, res.Log)
	}
	// Outside an invoke the request id is "undefined", as on AWS.
	if !nodeAnyMatch(b.lines(), regexp.MustCompile(`^\S+Z\tundefined\tINFO\tloading$`)) {
		t.Errorf("no init line in:\n%s", strings.Join(b.lines(), "\n"))
	}
}

// TestNodeUncaught: an exception or rejection nobody handles during an
// invoke fails it and ends the process; the next invoke gets a new one.
func TestNodeUncaught(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, code, errType, message, logged string
	}{
		{"unhandled rejection", `Promise.reject(new Error("lost"));`,
			"Runtime.UnhandledPromiseRejection", "Error: lost", "Unhandled Promise Rejection"},
		{"uncaught exception", `setTimeout(() => { throw new Error("late"); }, 1);`,
			"Error", "late", "Uncaught Exception"},
	}
	fns := make([]function, len(tests))
	for i, tt := range tests {
		fns[i] = function{Name: nodeFnName(i), Runtime: nodeRuntime, Handler: "index.handler", Files: map[string]string{
			"index.js": `exports.handler = (event, context, callback) => {
				if (event.fail) { ` + tt.code + ` return; }
				callback(null, "fine");
			};`}}
	}
	b := startRuntime(t, fns...)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := b.invoke(t, nodeFnName(i), `{"fail":true}`)
			e := parseError(t, res.Payload)
			if res.FunctionError != platform.FunctionErrorUnhandled || e.ErrorType != tt.errType || e.ErrorMessage != tt.message {
				t.Fatalf("%s %s %s", res.FunctionError, res.ErrorType, res.Payload)
			}
			if !strings.Contains(string(res.Log), "\tERROR\t"+tt.logged+" \t{\"errorType\":\""+tt.errType+"\"") {
				t.Errorf("no %s line in the log:\n%s", tt.logged, res.Log)
			}
			res = b.invoke(t, nodeFnName(i), `{}`)
			if res.FunctionError != "" || string(res.Payload) != `"fine"` {
				t.Fatalf("after the exit: %s %s", res.FunctionError, res.Payload)
			}
		})
	}
}

// TestNodeStreaming: a streamifyResponse handler's writes are the response.
func TestNodeStreaming(t *testing.T) {
	t.Parallel()
	b := startRuntime(t, function{Runtime: nodeRuntime, Handler: "index.handler", Files: map[string]string{
		"index.mjs": `export const handler = awslambda.streamifyResponse(async (event, stream, context) => {
			stream.write("hello ");
			await new Promise((r) => setTimeout(r, 5));
			stream.write(context.functionName);
			stream.end();
		});`}})
	res := b.invoke(t, "fn", `{}`)
	if res.FunctionError != "" || string(res.Payload) != "hello fn" {
		t.Fatalf("%s %s", res.FunctionError, res.Payload)
	}
}
