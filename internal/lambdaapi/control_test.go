package lambdaapi

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func createBody(t *testing.T, name string, extra map[string]any) []byte {
	t.Helper()
	in := map[string]any{
		"FunctionName": name, "Role": "arn:aws:iam::123456789012:role/r", "Runtime": "provided.al2023",
		"Handler": "bootstrap", "Code": map[string]any{"ZipFile": zipOf(t, map[string]string{"bootstrap": "#!/bin/sh\n"})},
	}
	for k, v := range extra {
		in[k] = v
	}
	b, _ := json.Marshal(in)
	return b
}

func TestControlPlane(t *testing.T) {
	ts := newAPI(t, "fn")
	base := ts.URL + "/2015-03-31/functions"

	resp, body := call(t, "POST", base, createBody(t, "made", map[string]any{"MemorySize": 512, "Architectures": []string{"arm64"}}), nil)
	if resp.StatusCode != 201 || !strings.Contains(body, `"State":"Pending"`) || !strings.Contains(body, `"StateReasonCode":"Creating"`) ||
		strings.Contains(body, "LastUpdateStatus") || !strings.Contains(body, `"Architectures":["arm64"]`) {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	resp, body = call(t, "GET", base+"/made", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `"State":"Active"`) || !strings.Contains(body, `"LastUpdateStatus":"Successful"`) ||
		!strings.Contains(body, `"MemorySize":512`) {
		t.Fatalf("get after create: %d %s", resp.StatusCode, body)
	}
	resp, body = call(t, "POST", base, createBody(t, "made", nil), nil)
	if resp.StatusCode != 409 || resp.Header.Get(headerErrorType) != "ResourceConflictException" {
		t.Fatalf("duplicate create: %d %s", resp.StatusCode, body)
	}

	code, _ := json.Marshal(map[string]any{"ZipFile": zipOf(t, map[string]string{"bootstrap": "#!/bin/sh\necho 2\n"})})
	resp, body = call(t, "PUT", base+"/made/code", code, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `"LastUpdateStatus":"InProgress"`) {
		t.Fatalf("update code: %d %s", resp.StatusCode, body)
	}

	conc := ts.URL + "/2017-10-31/functions/made/concurrency"
	for _, tt := range []struct {
		body   string
		status int
		code   string
	}{
		{`{"ReservedConcurrentExecutions":-1}`, 400, "ValidationException"},
		{`{}`, 400, "ValidationException"},
		{`{"ReservedConcurrentExecutions":901}`, 400, "InvalidParameterValueException"},
		{`{"ReservedConcurrentExecutions":900}`, 200, ""},
	} {
		resp, body = call(t, "PUT", conc, []byte(tt.body), nil)
		if resp.StatusCode != tt.status || resp.Header.Get(headerErrorType) != tt.code {
			t.Errorf("PutFunctionConcurrency %s: %d %s", tt.body, resp.StatusCode, body)
		}
	}
	if _, body = call(t, "GET", ts.URL+"/2019-09-30/functions/made/concurrency", nil, nil); body != `{"ReservedConcurrentExecutions":900}` {
		t.Errorf("GetFunctionConcurrency: %s", body)
	}
	if _, body = call(t, "GET", ts.URL+"/2016-08-19/account-settings/", nil, nil); !strings.Contains(body, `"UnreservedConcurrentExecutions":100`) {
		t.Errorf("GetAccountSettings: %s", body)
	}
	// The other function cannot reserve what is left for everyone.
	if resp, _ = call(t, "PUT", ts.URL+"/2017-10-31/functions/fn/concurrency", []byte(`{"ReservedConcurrentExecutions":1}`), nil); resp.StatusCode != 400 {
		t.Errorf("reserving below the unreserved minimum: %d", resp.StatusCode)
	}

	eic := ts.URL + "/2019-09-25/functions/made/event-invoke-config"
	if resp, _ = call(t, "GET", eic, nil, nil); resp.StatusCode != 404 {
		t.Errorf("GetFunctionEventInvokeConfig before any: %d", resp.StatusCode)
	}
	for _, tt := range []struct {
		body   string
		status int
	}{
		{`{"MaximumRetryAttempts":3}`, 400},
		{`{"MaximumEventAgeInSeconds":59}`, 400},
		{`{"MaximumEventAgeInSeconds":21601}`, 400},
		{`{"MaximumRetryAttempts":1,"MaximumEventAgeInSeconds":60}`, 200},
	} {
		if resp, body = call(t, "PUT", eic, []byte(tt.body), nil); resp.StatusCode != tt.status {
			t.Errorf("PutFunctionEventInvokeConfig %s: %d %s", tt.body, resp.StatusCode, body)
		}
	}
	if resp, body = call(t, "POST", eic, []byte(`{"MaximumRetryAttempts":0}`), nil); resp.StatusCode != 200 ||
		!strings.Contains(body, `"MaximumRetryAttempts":0`) || !strings.Contains(body, `"MaximumEventAgeInSeconds":60`) {
		t.Errorf("UpdateFunctionEventInvokeConfig merges: %d %s", resp.StatusCode, body)
	}

	if resp, _ = call(t, "DELETE", base+"/made:$LATEST", nil, nil); resp.StatusCode != 400 {
		t.Errorf("delete $LATEST alone: %d", resp.StatusCode)
	}
	if resp, _ = call(t, "DELETE", base+"/made", nil, nil); resp.StatusCode != 204 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp, _ = call(t, "GET", base+"/made", nil, nil); resp.StatusCode != 404 {
		t.Errorf("get after delete: %d", resp.StatusCode)
	}
	if resp, _ = call(t, "DELETE", base+"/made", nil, nil); resp.StatusCode != 404 {
		t.Errorf("second delete: %d", resp.StatusCode)
	}
	// The deleted function's reservation is free again.
	if resp, body = call(t, "PUT", ts.URL+"/2017-10-31/functions/fn/concurrency", []byte(`{"ReservedConcurrentExecutions":1}`), nil); resp.StatusCode != 200 {
		t.Errorf("reserving after the delete: %d %s", resp.StatusCode, body)
	}
}

func TestCreateFunctionValidation(t *testing.T) {
	ts := newAPI(t)
	base := ts.URL + "/2015-03-31/functions"
	tests := []struct {
		name   string
		body   []byte
		status int
		code   string
		msg    string
	}{
		{"no name", createBody(t, "", nil), 400, "ValidationException", "Value null at 'functionName'"},
		{"bad name", createBody(t, "has space", nil), 400, "ValidationException", "at 'functionName'"},
		{"no role", createBody(t, "f", map[string]any{"Role": ""}), 400, "ValidationException", "Value null at 'role'"},
		{"no code", createBody(t, "f", map[string]any{"Code": nil}), 400, "ValidationException", "Value null at 'code'"},
		{"image", createBody(t, "f", map[string]any{"PackageType": "Image"}), 400, "InvalidParameterValueException", "container images"},
		{"S3", createBody(t, "f", map[string]any{"Code": map[string]string{"S3Bucket": "b", "S3Key": "k"}}), 400, "InvalidParameterValueException", "no S3"},
		{"local dir not absolute", createBody(t, "f", map[string]any{"Code": map[string]string{"S3Bucket": "hot-reload", "S3Key": "rel"}}), 400, "InvalidParameterValueException", "absolute"},
		{"two architectures", createBody(t, "f", map[string]any{"Architectures": []string{"x86_64", "arm64"}}), 400, "ValidationException", "architectures"},
		{"bad architecture", createBody(t, "f", map[string]any{"Architectures": []string{"sparc"}}), 400, "ValidationException", "enum value set: [x86_64, arm64]"},
		{"managed without handler", createBody(t, "f", map[string]any{"Runtime": "python3.11", "Handler": ""}), 400, "InvalidParameterValueException", "Handler are mandatory"},
		{"managed unavailable", createBody(t, "f", map[string]any{"Runtime": "python3.11", "Handler": "app.handler"}), 400, "InvalidParameterValueException", "not available"},
		{"deprecated", createBody(t, "f", map[string]any{"Runtime": "nodejs12.x"}), 400, "InvalidParameterValueException", "nodejs12.x"},
		{"not JSON", []byte("{"), 400, "InvalidRequestContentException", "Could not parse request body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := call(t, "POST", base, tt.body, nil)
			if resp.StatusCode != tt.status || resp.Header.Get(headerErrorType) != tt.code || !strings.Contains(body, tt.msg) {
				t.Fatalf("got %d %s %s, want %d %s …%s…", resp.StatusCode, resp.Header.Get(headerErrorType), body, tt.status, tt.code, tt.msg)
			}
		})
	}
}

// An environment set through the API keeps the variables the server adds
// (the local services' endpoints), for template functions too: replacing
// the variables with the AWS CLI must not cut a function off DynamoDB.
func TestUpdateKeepsServerVariables(t *testing.T) {
	p := platform.New()
	if err := p.PutFunction(platform.FunctionConfig{Name: "fn", Runtime: "provided.al2023", MemoryMB: 256,
		Timeout: 3 * time.Second, Bootstrap: "/nonexistent/bootstrap", CodeDir: "/nonexistent"}); err != nil {
		t.Fatal(err)
	}
	endpoint := func(env map[string]string) map[string]string {
		if _, own := env["AWS_ENDPOINT_URL_DYNAMODB"]; own {
			return nil
		}
		return map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:4567"}
	}
	s := New(p, "test", WithFunctionEnv(endpoint))
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.Close(); p.Close() })
	cfgURL := ts.URL + "/2015-03-31/functions/fn/configuration"
	for _, tt := range []struct{ body, want string }{
		{`{"Environment":{"Variables":{"RUN":"1"}}}`, `"Variables":{"AWS_ENDPOINT_URL_DYNAMODB":"http://127.0.0.1:4567","RUN":"1"}`},
		{`{"Environment":{"Variables":{"AWS_ENDPOINT_URL_DYNAMODB":"http://mine"}}}`, `"Variables":{"AWS_ENDPOINT_URL_DYNAMODB":"http://mine"}`},
	} {
		if resp, body := call(t, "PUT", cfgURL, []byte(tt.body), nil); resp.StatusCode != 200 || !strings.Contains(body, tt.want) {
			t.Errorf("update %s: %d %s, want …%s…", tt.body, resp.StatusCode, body, tt.want)
		}
	}
}

// TestEventConfigReadDuringControlChange: an Event invoke's retry loop reads
// its function's configuration while a control-plane change (which can take
// long: a CreateFunction compiling a Java client) holds controlMu.
func TestEventConfigReadDuringControlChange(t *testing.T) {
	p := platform.New()
	defer p.Close()
	s := New(p, "test")
	defer s.Close()
	retries := 0
	s.controlMu.Lock()
	s.setEventConfig("fn", eventConfig{MaximumRetryAttempts: &retries}, true)
	read := make(chan eventConfig)
	go func() {
		cfg, _ := s.eventConfigOf("fn")
		read <- cfg
	}()
	select {
	case cfg := <-read:
		if cfg.MaximumRetryAttempts == nil || *cfg.MaximumRetryAttempts != 0 {
			t.Errorf("read %+v", cfg)
		}
	case <-time.After(10 * time.Second): // a liveness bound, not a timing
		t.Error("reading the Event configuration waited for controlMu")
	}
	s.controlMu.Unlock()
}
