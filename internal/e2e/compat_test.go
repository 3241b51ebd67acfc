package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// The Lambda API's control plane through aws-sdk-go-v2 and the AWS CLI,
// against `coldstart serve` with nothing changed but the endpoint.

const testRole = "arn:aws:iam::123456789012:role/coldstart-test"

var (
	uppercaseZipOnce sync.Once
	uppercaseZipData []byte
	uppercaseZipErr  error
)

// uppercaseZip is examples/functions/uppercase built as a provided.al2023
// package: a zip with an executable bootstrap.
func uppercaseZip(t *testing.T) []byte {
	t.Helper()
	uppercaseZipOnce.Do(func() {
		dir, err := os.MkdirTemp("", "coldstart-zip")
		if err != nil {
			uppercaseZipErr = err
			return
		}
		defer os.RemoveAll(dir)
		bin := filepath.Join(dir, "bootstrap")
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./examples/functions/uppercase")
		build.Dir = "../.."
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			uppercaseZipErr = errors.New(string(out))
			return
		}
		b, err := os.ReadFile(bin)
		if err != nil {
			uppercaseZipErr = err
			return
		}
		uppercaseZipData = makeZip(map[string]zipEntry{"bootstrap": {body: b, mode: 0o755}})
	})
	if uppercaseZipErr != nil {
		t.Fatalf("build the uppercase package: %v", uppercaseZipErr)
	}
	return uppercaseZipData
}

type zipEntry struct {
	body   []byte
	mode   os.FileMode
	method uint16
}

func makeZip(files map[string]zipEntry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, f := range files {
		h := &zip.FileHeader{Name: name, Method: f.method}
		if f.method == 0 && f.body != nil && len(f.body) < 1<<20 {
			h.Method = zip.Deflate
		}
		mode := f.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			panic(err)
		}
		_, _ = w.Write(f.body)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func createInput(name string, zipFile []byte) *lambda.CreateFunctionInput {
	return &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Role: aws.String(testRole),
		Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Code: &types.FunctionCode{ZipFile: zipFile}, MemorySize: aws.Int32(256), Timeout: aws.Int32(10),
	}
}

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// The sequence: create → wait active → invoke → update configuration
// → wait updated → next invoke is cold → delete → ResourceNotFoundException.
func TestSDKFunctionLifecycle(t *testing.T) {
	s := startServe(t)
	ctx := context.Background()
	pkg := uppercaseZip(t)
	created, err := s.client.CreateFunction(ctx, createInput("Made", pkg))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pkg)
	if created.State != types.StatePending || aws.ToInt64(&created.CodeSize) != int64(len(pkg)) ||
		aws.ToString(created.CodeSha256) != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("create response: state %s, CodeSize %d (zip %d), CodeSha256 %s", created.State, created.CodeSize, len(pkg), aws.ToString(created.CodeSha256))
	}
	get := &lambda.GetFunctionInput{FunctionName: aws.String("Made")}
	if err := lambda.NewFunctionActiveV2Waiter(s.client).Wait(ctx, get, time.Minute); err != nil {
		t.Fatalf("FunctionActiveV2: %v", err)
	}
	first := s.invoke("Made", `"hi"`)
	if string(first.out.Payload) != `"HI"` || !first.report.HasInit || first.report.MemorySizeMB != 256 {
		t.Fatalf("first invoke: payload %s, init %v, memory %d", first.out.Payload, first.report.HasInit, first.report.MemorySizeMB)
	}
	if warm := s.invoke("Made", `"again"`); warm.report.HasInit {
		t.Fatal("second invoke was cold")
	}

	if _, err := s.client.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("Made"), Environment: &types.Environment{Variables: map[string]string{"NONCE": "1"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lambda.NewFunctionUpdatedV2Waiter(s.client).Wait(ctx, get, time.Minute); err != nil {
		t.Fatalf("FunctionUpdatedV2: %v", err)
	}
	if cold := s.invoke("Made", `"x"`); !cold.report.HasInit {
		t.Fatal("the invoke after a configuration update was warm")
	}

	// New code retires the environments too.
	if _, err := s.client.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("Made"), ZipFile: pkg}); err != nil {
		t.Fatal(err)
	}
	if err := lambda.NewFunctionUpdatedV2Waiter(s.client).Wait(ctx, get, time.Minute); err != nil {
		t.Fatalf("FunctionUpdatedV2 after new code: %v", err)
	}
	if cold := s.invoke("Made", `"y"`); !cold.report.HasInit || string(cold.out.Payload) != `"Y"` {
		t.Fatalf("the invoke after a code update: init %v payload %s", cold.report.HasInit, cold.out.Payload)
	}

	list, err := s.client.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range list.Functions {
		found = found || aws.ToString(f.FunctionName) == "Made"
	}
	if !found {
		t.Error("ListFunctions does not list the created function")
	}

	if _, err := s.client.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("Made")}); err != nil {
		t.Fatal(err)
	}
	_, err = s.tryInvoke("Made", `"gone"`)
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("invoke after delete: %v, want ResourceNotFoundException", err)
	}
	if _, err := s.client.GetFunction(ctx, get); !errors.As(err, &rnf) {
		t.Fatalf("GetFunction after delete: %v, want ResourceNotFoundException", err)
	}
}

func TestCreateFunctionErrors(t *testing.T) {
	s := startServe(t)
	ctx := context.Background()
	pkg := uppercaseZip(t)
	big := make([]byte, 50*1024*1024+1)
	tests := []struct {
		name string
		in   *lambda.CreateFunctionInput
		code string
		msg  string
	}{
		{"zip slip", createInput("Slip", makeZip(map[string]zipEntry{"../evil": {body: []byte("x")}, "bootstrap": {body: []byte("#!"), mode: 0o755}})),
			"InvalidParameterValueException", "Could not unzip uploaded file"},
		{"not a zip", createInput("Junk", []byte("definitely not a zip")),
			"InvalidParameterValueException", "Could not unzip uploaded file"},
		{"zip over 50 MB", createInput("Big", makeZip(map[string]zipEntry{"bootstrap": {body: big, mode: 0o755, method: zip.Store}})),
			"RequestEntityTooLargeException", "must be smaller than"},
		{"memory 127", func() *lambda.CreateFunctionInput {
			in := createInput("M", pkg)
			in.MemorySize = aws.Int32(127)
			return in
		}(),
			"ValidationException", "Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"},
		{"memory 10241", func() *lambda.CreateFunctionInput {
			in := createInput("M", pkg)
			in.MemorySize = aws.Int32(10241)
			return in
		}(),
			"ValidationException", "Member must have value less than or equal to 10240"},
		{"timeout 901", func() *lambda.CreateFunctionInput {
			in := createInput("T", pkg)
			in.Timeout = aws.Int32(901)
			return in
		}(),
			"ValidationException", "Value '901' at 'timeout'"},
		{"timeout 0", func() *lambda.CreateFunctionInput { in := createInput("T", pkg); in.Timeout = aws.Int32(0); return in }(),
			"ValidationException", "Value '0' at 'timeout'"},
		{"unknown runtime", func() *lambda.CreateFunctionInput { in := createInput("R", pkg); in.Runtime = "cobol1.0"; return in }(),
			"InvalidParameterValueException", "cobol1.0"},
		{"bad role", func() *lambda.CreateFunctionInput {
			in := createInput("R", pkg)
			in.Role = aws.String("admin")
			return in
		}(),
			"ValidationException", "at 'role'"},
		{"reserved variable", func() *lambda.CreateFunctionInput {
			in := createInput("E", pkg)
			in.Environment = &types.Environment{Variables: map[string]string{"AWS_REGION": "x"}}
			return in
		}(), "InvalidParameterValueException", "Reserved keys used in this request: AWS_REGION"},
		{"exists", createInput("Uppercase", pkg), "ResourceConflictException", "Function already exist: Uppercase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.client.CreateFunction(ctx, tt.in)
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tt.code || !strings.Contains(ae.ErrorMessage(), tt.msg) {
				t.Fatalf("got %v, want %s: …%s…", err, tt.code, tt.msg)
			}
		})
	}
	// None of them left a function behind.
	list, err := s.client.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range list.Functions {
		switch aws.ToString(f.FunctionName) {
		case "Slip", "Junk", "Big", "M", "T", "R", "E":
			t.Errorf("a rejected create left %s behind", aws.ToString(f.FunctionName))
		}
	}
}

// A provided-runtime package without a bootstrap is accepted, as on Lambda,
// and every invoke fails at init with Runtime.InvalidEntrypoint.
func TestMissingBootstrapFailsAtInit(t *testing.T) {
	s := startServe(t)
	ctx := context.Background()
	if _, err := s.client.CreateFunction(ctx, createInput("NoBoot", makeZip(map[string]zipEntry{"main.go": {body: []byte("package main")}}))); err != nil {
		t.Fatal(err)
	}
	inv := s.invoke("NoBoot", `{}`)
	var body struct{ ErrorType string }
	_ = json.Unmarshal(inv.out.Payload, &body)
	if aws.ToString(inv.out.FunctionError) != "Unhandled" || body.ErrorType != "Runtime.InvalidEntrypoint" {
		t.Fatalf("invoke without bootstrap: function error %q, payload %s", aws.ToString(inv.out.FunctionError), inv.out.Payload)
	}
	if !strings.Contains(string(inv.out.Payload), "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]") {
		t.Errorf("payload %s, want Lambda's message", inv.out.Payload)
	}
	if !strings.Contains(inv.log, "INIT_REPORT") || !strings.Contains(inv.log, "Runtime.InvalidEntrypoint") {
		t.Errorf("log has no init error report:\n%s", inv.log)
	}
}

func TestReservedConcurrency(t *testing.T) {
	s := startServe(t)
	ctx := context.Background()
	fn := aws.String("Medium")
	put := func(n int32) error {
		_, err := s.client.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: fn, ReservedConcurrentExecutions: aws.Int32(n)})
		return err
	}
	if err := put(0); err != nil {
		t.Fatal(err)
	}
	_, err := s.tryInvoke("Medium", `{}`)
	var tmr *types.TooManyRequestsException
	if !errors.As(err, &tmr) || tmr.Reason != types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded {
		t.Fatalf("invoke with reserved concurrency 0: %v, want TooManyRequestsException (ReservedFunctionConcurrentInvocationLimitExceeded)", err)
	}
	if err := put(1); err != nil {
		t.Fatal(err)
	}
	got, err := s.client.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: fn})
	if err != nil || aws.ToInt32(got.ReservedConcurrentExecutions) != 1 {
		t.Fatalf("GetFunctionConcurrency: %v %v", got, err)
	}
	// One invoke holds the only slot for seconds; a second one meanwhile is throttled.
	slow := make(chan error, 1)
	go func() {
		_, err := s.tryInvoke("Medium", `{"sleep_ms":4000}`)
		slow <- err
	}()
	for s.health()["busy"].(float64) < 1 {
		time.Sleep(5 * time.Millisecond)
	}
	_, err = s.tryInvoke("Medium", `{}`)
	throttled := errors.As(err, &tmr) && tmr.Reason == types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
	if !throttled {
		t.Errorf("a second invoke while the only reserved slot was busy: %v, want TooManyRequestsException (ReservedFunctionConcurrentInvocationLimitExceeded)", err)
	}
	// Other functions are not affected; too big a reservation is refused.
	s.invoke("Uppercase", `"ok"`)
	if err := put(901); apiErrorCode(err) != "InvalidParameterValueException" {
		t.Errorf("reserving 901 of 1000: %v, want InvalidParameterValueException", err)
	}
	if _, err := s.client.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: fn}); err != nil {
		t.Fatal(err)
	}
	s.invoke("Medium", `{}`)
}

// Event invokes that fail are retried with Lambda's policy: two retries by
// default, MaximumRetryAttempts from PutFunctionEventInvokeConfig.
func TestEventInvokeRetries(t *testing.T) {
	s := startServe(t, "--async-retry-delay", "50ms")
	ctx := context.Background()
	event := func(fn string) {
		t.Helper()
		out, err := s.client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), InvocationType: types.InvocationTypeEvent, Payload: []byte(`{"error":"boom"}`)})
		if err != nil || out.StatusCode != 202 {
			t.Fatalf("Event invoke: %v %v", out, err)
		}
	}
	asyncStats := func() map[string]float64 {
		out := map[string]float64{}
		for k, v := range s.health()["async"].(map[string]any) {
			out[k] = v.(float64)
		}
		return out
	}
	waitDropped := func(n float64) map[string]float64 {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			if st := asyncStats(); st["dropped"] >= n {
				return st
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("events not dropped: %v", asyncStats())
		return nil
	}
	event("Medium")
	if st := waitDropped(1); st["attempts"] != 3 || st["retries"] != 2 {
		t.Fatalf("default policy: %v, want 3 attempts (2 retries)", st)
	}
	if _, err := s.client.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("Medium"), MaximumRetryAttempts: aws.Int32(0),
	}); err != nil {
		t.Fatal(err)
	}
	event("Medium")
	if st := waitDropped(2); st["attempts"] != 4 {
		t.Fatalf("MaximumRetryAttempts 0: %v, want one more attempt", st)
	}
	cfg, err := s.client.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("Medium")})
	if err != nil || aws.ToInt32(cfg.MaximumRetryAttempts) != 0 {
		t.Fatalf("GetFunctionEventInvokeConfig: %+v %v", cfg, err)
	}
	if _, err := s.client.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("Medium"), MaximumRetryAttempts: aws.Int32(3),
	}); apiErrorCode(err) != "ValidationException" {
		t.Errorf("MaximumRetryAttempts 3: %v, want ValidationException", err)
	}
}

// --state-dir keeps created functions, their configuration and their
// reservation across restarts.
func TestStateDirKeepsCreatedFunctions(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := startServe(t, "--state-dir", dir)
	if _, err := s.client.CreateFunction(ctx, createInput("Kept", uppercaseZip(t))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("Kept"), MemorySize: aws.Int32(384)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{
		FunctionName: aws.String("Kept"), ReservedConcurrentExecutions: aws.Int32(5)}); err != nil {
		t.Fatal(err)
	}
	s.stop()

	again := startServe(t, "--state-dir", dir)
	got, err := again.client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("Kept")})
	if err != nil {
		t.Fatalf("after a restart: %v\n%s", err, again.stderr.String())
	}
	if aws.ToInt32(got.Configuration.MemorySize) != 384 || got.Concurrency == nil || aws.ToInt32(got.Concurrency.ReservedConcurrentExecutions) != 5 {
		t.Errorf("after a restart: memory %d, concurrency %+v", aws.ToInt32(got.Configuration.MemorySize), got.Concurrency)
	}
	if inv := again.invoke("Kept", `"back"`); string(inv.out.Payload) != `"BACK"` {
		t.Fatalf("invoke after a restart: %s", inv.out.Payload)
	}
	if _, err := again.client.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("Kept")}); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "functions")); len(entries) != 0 {
		t.Errorf("a deleted function left %d entries in the state directory", len(entries))
	}
}

// awsCLI is the Debian package's aws (installed by scripts/setup.sh), not
// whatever shim comes first on PATH.
func awsCLI(t *testing.T) string {
	t.Helper()
	const path = "/usr/bin/aws"
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: scripts/setup.sh installs the awscli package", path)
		}
		t.Skipf("%s is missing: run scripts/setup.sh", path)
	}
	return path
}

// Seed 000's bench.sh, verbatim in spirit: change an environment variable,
// wait until updated, invoke with --log-type Tail; every invoke is cold.
func TestAWSCLISeed000Loop(t *testing.T) {
	cli := awsCLI(t)
	s := startServe(t)
	home := t.TempDir()
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(cli, append(args, "--endpoint-url", s.url, "--region", "us-east-1", "--output", "json")...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_PAGER=",
			"AWS_CONFIG_FILE="+filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"), "HOME="+home)
		cmd.Dir = home
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
			}
			t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
		}
		return out
	}
	for i := 1; i <= 3; i++ {
		run("lambda", "update-function-configuration", "--function-name", "Uppercase",
			"--environment", `Variables={RUN=`+string(rune('0'+i))+`}`)
		run("lambda", "wait", "function-updated-v2", "--function-name", "Uppercase")
		out := run("lambda", "invoke", "--function-name", "Uppercase", "--log-type", "Tail",
			"--cli-binary-format", "raw-in-base64-out", "--payload", `"seed"`, filepath.Join(home, "out.json"))
		var res struct {
			StatusCode int
			LogResult  string
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("invoke output %s: %v", out, err)
		}
		tail, err := base64.StdEncoding.DecodeString(res.LogResult)
		if err != nil {
			t.Fatal(err)
		}
		var report reportlog.Report
		for _, line := range strings.Split(string(tail), "\n") {
			if r, err := reportlog.ParseReport(line); err == nil {
				report = r
			}
		}
		if res.StatusCode != 200 || !report.HasInit {
			t.Fatalf("run %d: status %d, no Init Duration in the tail:\n%s", i, res.StatusCode, tail)
		}
		if body, _ := os.ReadFile(filepath.Join(home, "out.json")); string(body) != `"SEED"` {
			t.Fatalf("run %d: payload %s", i, body)
		}
	}
	// The CLI's other control-plane calls parse too.
	var got struct {
		Configuration struct {
			Environment struct{ Variables map[string]string }
		}
	}
	if err := json.Unmarshal(run("lambda", "get-function", "--function-name", "Uppercase"), &got); err != nil || got.Configuration.Environment.Variables["RUN"] != "3" {
		t.Fatalf("get-function: %+v %v", got, err)
	}
}

// A managed runtime created through the API runs on the machine's
// interpreter, like one from the template.
func TestCreateManagedFunction(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3.11"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3.11 is missing: scripts/setup.sh installs it")
		}
		t.Skip("python3.11 is missing: run scripts/setup.sh")
	}
	s := startServe(t)
	ctx := context.Background()
	in := createInput("Py", makeZip(map[string]zipEntry{
		"app.py": {body: []byte("import os\ndef handler(event, context):\n    return {'upper': event.upper(), 'fn': context.function_name}\n")},
	}))
	in.Runtime, in.Handler = types.RuntimePython311, aws.String("app.handler")
	if _, err := s.client.CreateFunction(ctx, in); err != nil {
		t.Fatal(err)
	}
	inv := s.invoke("Py", `"snake"`)
	if string(inv.out.Payload) != `{"upper": "SNAKE", "fn": "Py"}` || !inv.report.HasInit {
		t.Fatalf("python function: %s (init %v)\n%s", inv.out.Payload, inv.report.HasInit, inv.log)
	}
	// A runtime change through UpdateFunctionConfiguration re-prepares the launcher.
	if _, err := s.client.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("Py"), Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap")}); err != nil {
		t.Fatal(err)
	}
	var body struct{ ErrorType string }
	inv = s.invoke("Py", `"snake"`)
	_ = json.Unmarshal(inv.out.Payload, &body)
	if body.ErrorType != "Runtime.InvalidEntrypoint" {
		t.Fatalf("python code on provided.al2023: %s", inv.out.Payload)
	}
}
