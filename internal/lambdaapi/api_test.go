package lambdaapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// newAPI serves functions that are never started: these tests stop before
// an invoke reaches a runtime.
func newAPI(t *testing.T, names ...string) *httptest.Server {
	t.Helper()
	p := platform.New()
	for _, n := range names {
		if err := p.PutFunction(platform.FunctionConfig{Name: n, Runtime: "provided.al2023", MemoryMB: 256,
			Timeout: 3 * time.Second, Bootstrap: "/nonexistent/bootstrap", CodeDir: "/nonexistent"}); err != nil {
			t.Fatal(err)
		}
	}
	s := New(p, "test")
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		s.Close()
		p.Close()
	})
	return ts
}

func call(t *testing.T, method, u string, body []byte, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestInvokeErrors(t *testing.T) {
	ts := newAPI(t, "fn")
	inv := func(name string) string {
		return ts.URL + "/2015-03-31/functions/" + url.PathEscape(name) + "/invocations"
	}
	tests := []struct {
		name    string
		url     string
		body    []byte
		hdr     map[string]string
		status  int
		code    string
		wantMsg string
	}{
		{"unknown function", inv("nope"), []byte(`{}`), nil, 404, "ResourceNotFoundException",
			`{"Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope","Type":"User"}`},
		{"unknown qualifier", inv("fn:7"), []byte(`{}`), nil, 404, "ResourceNotFoundException",
			`{"Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:fn:7","Type":"User"}`},
		{"qualifier mismatch", inv("fn:$LATEST") + "?Qualifier=prod", []byte(`{}`), nil, 400, "InvalidParameterValueException",
			"The derived qualifier from the function name does not match the specified qualifier."},
		{"bad name", inv("no spaces allowed"), []byte(`{}`), nil, 400, "ValidationException", "failed to satisfy constraint"},
		{"not JSON", inv("fn"), []byte(`hello`), nil, 400, "InvalidRequestContentException",
			"Could not parse request body into json: Could not parse payload into json: invalid character 'h'"},
		{"too large", inv("fn"), bytes.Repeat([]byte(" "), maxSyncPayload+1), nil, 413, "RequestTooLargeException",
			`{"Type":"User","message":"6291457 byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes)"}`},
		{"event too large", inv("fn"), bytes.Repeat([]byte(" "), maxAsyncPayload+1), map[string]string{headerInvocationType: "Event"}, 413,
			"RequestTooLargeException", "for the Event invocation type (limit 1048576 bytes)"},
		{"bad invocation type", inv("fn"), []byte(`{}`), map[string]string{headerInvocationType: "Later"}, 400, "ValidationException",
			"Member must satisfy enum value set: [Event, RequestResponse, DryRun]"},
		{"bad log type", inv("fn"), []byte(`{}`), map[string]string{headerLogType: "All"}, 400, "ValidationException", "[None, Tail]"},
		{"bad client context", inv("fn"), []byte(`{}`), map[string]string{headerClientContext: "not base64!"}, 400,
			"InvalidRequestContentException", "Client context must be a valid Base64-encoded JSON object."},
		{"unknown operation", ts.URL + "/2015-03-31/layers", nil, nil, 404, "UnknownOperationException", "does not serve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "POST"
			if strings.HasSuffix(tt.url, "/layers") {
				method = "GET"
			}
			resp, body := call(t, method, tt.url, tt.body, tt.hdr)
			if resp.StatusCode != tt.status || resp.Header.Get(headerErrorType) != tt.code || !strings.Contains(body, tt.wantMsg) {
				t.Errorf("got %d %s %s\nwant %d %s …%s…", resp.StatusCode, resp.Header.Get(headerErrorType), body, tt.status, tt.code, tt.wantMsg)
			}
			if resp.Header.Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId")
			}
		})
	}
}

func TestDryRunResolvesEveryNameForm(t *testing.T) {
	ts := newAPI(t, "fn")
	for _, name := range []string{
		"fn", "fn:$LATEST", "123456789012:function:fn", "arn:aws:lambda:us-east-1:123456789012:function:fn",
		"arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST",
	} {
		resp, body := call(t, "POST", ts.URL+"/2015-03-31/functions/"+url.PathEscape(name)+"/invocations", nil,
			map[string]string{headerInvocationType: "DryRun"})
		if resp.StatusCode != 204 {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
}

func TestFunctionsListAndGet(t *testing.T) {
	ts := newAPI(t, "c", "a", "b")
	resp, body := call(t, "GET", ts.URL+"/2015-03-31/functions/?MaxItems=2", nil, nil)
	var page struct {
		Functions  []map[string]any
		NextMarker string
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if len(page.Functions) != 2 || page.Functions[0]["FunctionName"] != "a" || page.NextMarker != "2" {
		t.Fatalf("first page %s", body)
	}
	_, body = call(t, "GET", ts.URL+"/2015-03-31/functions/?Marker=2", nil, nil)
	page.NextMarker = ""
	if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Functions) != 1 || page.NextMarker != "" {
		t.Fatalf("second page %s", body)
	}

	_, body = call(t, "GET", ts.URL+"/2015-03-31/functions/b", nil, nil)
	var got struct{ Configuration map[string]any }
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	c := got.Configuration
	for k, want := range map[string]any{
		"FunctionName": "b", "MemorySize": 256.0, "Timeout": 3.0, "State": "Active",
		"LastUpdateStatus": "Successful", "Version": "$LATEST", "PackageType": "Zip",
	} {
		if c[k] != want {
			t.Errorf("%s = %v, want %v", k, c[k], want)
		}
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000-0700", c["LastModified"].(string)); err != nil {
		t.Errorf("LastModified %v: %v", c["LastModified"], err)
	}
}

// ServeMux redirects paths with "." or "//" elements; Lambda has none and
// SDKs do not follow redirects, so they are unknown operations (FuzzHandler).
func TestUncleanPathIsUnknownOperation(t *testing.T) {
	ts := newAPI(t, "fn")
	for _, p := range []string{"/.", "/2015-03-31//functions/fn", "/2015-03-31/functions/fn/../fn/invocations", "/health/."} {
		resp, body := call(t, http.MethodPut, ts.URL+p, nil, nil)
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get(headerErrorType) != codeUnknownOperation {
			t.Errorf("PUT %s: %d %s %s", p, resp.StatusCode, resp.Header.Get(headerErrorType), body)
		}
	}
}
