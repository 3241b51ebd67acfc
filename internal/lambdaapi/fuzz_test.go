package lambdaapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// Invoke API status codes (lambda-spec.md §5, §6); anything else is a bug.
var documentedStatus = map[int]bool{
	http.StatusOK: true, http.StatusCreated: true, http.StatusConflict: true, http.StatusAccepted: true, http.StatusNoContent: true, http.StatusBadRequest: true,
	http.StatusNotFound: true, http.StatusPreconditionFailed: true, http.StatusRequestEntityTooLarge: true,
	http.StatusTooManyRequests: true, http.StatusInternalServerError: true,
}

var fuzzMethods = []string{http.MethodPost, http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodHead, http.MethodPatch}

// FuzzHandler sends the Lambda API arbitrary paths, queries, headers and
// bodies. The platform's concurrency limit is 0, so no invoke reaches a
// runtime (they are throttled) while everything in front of it — routing,
// name resolution, header and payload checks, UpdateFunctionConfiguration —
// runs. The handler must not panic, must answer with a documented status,
// and every error must carry X-Amzn-ErrorType (set as written, not
// canonicalised) and a JSON body with a message.
func FuzzHandler(f *testing.F) {
	f.Add(uint8(0), "2015-03-31/functions/fn/invocations", "", "RequestResponse", "Tail", "", []byte(`{"a":1}`))
	f.Add(uint8(0), "2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST/invocations", "Qualifier=$LATEST", "Event", "", "", []byte(``))
	f.Add(uint8(0), "2015-03-31/functions/123456789012:function:fn/invocations", "Qualifier=1", "DryRun", "None", "eyJhIjoxfQ==", []byte(`[1,2`))
	f.Add(uint8(0), "2015-03-31/functions/fn:alias/invocations", "", "Bogus", "Everything", "!!", []byte(`"x"`))
	f.Add(uint8(1), "2015-03-31/functions/fn", "", "", "", "", []byte(nil))
	f.Add(uint8(1), "2015-03-31/functions/", "MaxItems=1", "", "", "", []byte(nil))
	f.Add(uint8(1), "health", "", "", "", "", []byte(nil))
	f.Add(uint8(2), "2015-03-31/functions/fn/configuration", "", "", "", "", []byte(`{"MemorySize":512,"Timeout":5,"Environment":{"Variables":{"A":"b"}},"RevisionId":"x"}`))
	f.Add(uint8(2), "2015-03-31/functions/fn/configuration", "", "", "", "", []byte(`{"MemorySize":64,"Runtime":"nodejs20.x","Environment":{"Variables":{"AWS_REGION":"x"}}}`))
	f.Add(uint8(3), "2015-03-31/functions/fn/invocations", "", "", "", "", []byte(nil))
	// The control plane: a create with a real (tiny) zip, code updates, concurrency, Event invoke config.
	f.Add(uint8(0), "2015-03-31/functions", "", "", "", "", []byte(`{"FunctionName":"g","Role":"arn:aws:iam::123456789012:role/r","Runtime":"provided.al2023","Handler":"bootstrap","Code":{"ZipFile":"UEsDBBQAAAAIAAAAIQA0Mtc9CgAAAAgAAAAJAAAAYm9vdHN0cmFwS03OyFfIz+YCAFBLAQIUAxQAAAAIAAAAIQA0Mtc9CgAAAAgAAAAJAAAAAAAAAAAAAADtgQAAAABib290c3RyYXBQSwUGAAAAAAEAAQA3AAAAMQAAAAAA"}}`))
	f.Add(uint8(2), "2015-03-31/functions/fn/code", "", "", "", "", []byte(`{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==","DryRun":true}`))
	f.Add(uint8(2), "2017-10-31/functions/fn/concurrency", "", "", "", "", []byte(`{"ReservedConcurrentExecutions":0}`))
	f.Add(uint8(3), "2017-10-31/functions/fn/concurrency", "", "", "", "", []byte(nil))
	f.Add(uint8(2), "2019-09-25/functions/fn/event-invoke-config", "", "", "", "", []byte(`{"MaximumRetryAttempts":1,"MaximumEventAgeInSeconds":60}`))
	f.Add(uint8(3), "2015-03-31/functions/fn", "", "", "", "", []byte(nil))
	f.Fuzz(func(t *testing.T, m uint8, path, query, invocationType, logType, clientContext string, body []byte) {
		p := platform.New(platform.WithConcurrencyLimit(0))
		if err := p.PutFunction(platform.FunctionConfig{Name: "fn", Runtime: "provided.al2023", MemoryMB: 256,
			Timeout: 3 * time.Second, Bootstrap: "/nonexistent/bootstrap", CodeDir: "/nonexistent"}); err != nil {
			t.Fatal(err)
		}
		s := New(p, "test")
		defer p.Close()
		defer s.Close()

		u, err := url.ParseRequestURI("/" + path)
		if err != nil {
			return // net/http would not route it
		}
		u.RawQuery = query
		req, err := http.NewRequest(fuzzMethods[int(m)%len(fuzzMethods)], "http://127.0.0.1:3001"+u.RequestURI(), bytes.NewReader(body))
		if err != nil {
			return
		}
		for k, v := range map[string]string{headerInvocationType: invocationType, headerLogType: logType, headerClientContext: clientContext} {
			if v != "" {
				if !validHeaderValue(v) {
					return
				}
				req.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)

		code := rec.Code
		if !documentedStatus[code] {
			t.Fatalf("%s %s: status %d not in the documented set: %s", req.Method, req.URL, code, rec.Body.Bytes())
		}
		if rec.Header()[headerRequestID] == nil {
			t.Fatalf("%s %s: no %s", req.Method, req.URL, headerRequestID)
		}
		if code < 400 {
			if len(rec.Header()[headerErrorType]) > 0 {
				t.Fatalf("%s %s: %d with %s", req.Method, req.URL, code, headerErrorType)
			}
			return
		}
		if len(rec.Header()[headerErrorType]) == 0 {
			t.Fatalf("%s %s: %d without %s: %s", req.Method, req.URL, code, headerErrorType, rec.Body.Bytes())
		}
		var e map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || (e["message"] == "" && e["Message"] == "") || e["Type"] == "" {
			t.Fatalf("%s %s: %d with body %q, want Lambda's error object", req.Method, req.URL, code, rec.Body.Bytes())
		}
	})
}

// validHeaderValue is net/http's rule: no control bytes but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
