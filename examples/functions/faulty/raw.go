package main

// Raw mode (FAULTY_RAW=1): instead of aws-lambda-go's loop the binary runs its
// own Runtime API client, so it can break the protocol in ways that library
// never does. Ordinary payloads go to handle as in library mode (but a panic
// crashes the process without posting an error first); a payload
// {"raw": "<fault>"} commits one of these faults on its own invoke:
//
//	twice          post the response, then /response and /error again (403 each)
//	wrong_id       post a response for an unknown request id (400), then the right one
//	stale_id       post a response for the previous invoke's id (400), then the right one
//	text           post a response body that is not JSON
//	truncated      declare a 100-byte response body, send 11 bytes and stop (400)
//	bad_chunked    send a chunked response body with a malformed chunk size (400)
//	garbage_error  post /error with a garbage error type, X-Ray cause and body
//	cause_garbage  post /error as application/vnd.aws.lambda.error.cause+json, body not JSON
//	cause          post /error as application/vnd.aws.lambda.error.cause+json with an errorCause
//	not_http       send bytes to the Runtime API that are not HTTP, then respond
//	init_error     post /init/error mid-invoke (403), then respond
//	next_running   call /next twice at once while the invoke runs, then respond
//	next_twice     respond, then wait for the next invoke in two /next calls at once
//	no_next        respond, then never call /next again
//	stall_body     declare a 100-byte response body, send 11 bytes, then hang
//	findings       return (and forget) what the Runtime API answered so far
//
// What the Runtime API answered to each deliberate misstep is kept as a
// finding, and {"raw":"findings"} returns them. Before its first /next the
// runtime also posts a response for a made-up request id ("before_next").

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

const (
	rawHeaderRequestID = "Lambda-Runtime-Aws-Request-Id"
	rawHeaderErrorType = "Lambda-Runtime-Function-Error-Type"
	rawHeaderXRayCause = "Lambda-Runtime-Function-Xray-Error-Cause"
	contentTypeCause   = "application/vnd.aws.lambda.error.cause+json"
)

// finding is what the Runtime API answered to one deliberate misstep.
type finding struct {
	Step      string `json:"step"`
	Status    int    `json:"status"`
	Body      string `json:"body"`
	RequestID string `json:"requestId,omitempty"` // for /next: whose event it delivered
}

// rawRuntime is a Runtime API client that can misbehave.
type rawRuntime struct {
	api    string // host:port
	base   string // http://host:port/2018-06-01/runtime/
	client *http.Client

	mu       sync.Mutex
	findings []finding
	lastID   string // the previous invoke's request id
}

func newRawRuntime() *rawRuntime {
	api := os.Getenv("AWS_LAMBDA_RUNTIME_API")
	return &rawRuntime{
		api:    api,
		base:   "http://" + api + "/2018-06-01/runtime/",
		client: &http.Client{}, // no timeout: /next long-polls
	}
}

// runRaw is main for raw mode; it never returns.
func runRaw() {
	r := newRawRuntime()
	r.post("before_next", "invocation/00000000-0000-0000-0000-000000000000/response", "application/json", []byte(`"early"`), nil)
	r.loop()
}

// loop takes invokes one after another, for ever.
func (r *rawRuntime) loop() {
	for {
		id, payload, err := r.next()
		if err != nil {
			fmt.Fprintln(os.Stderr, "faulty raw: next:", err)
			os.Exit(1)
		}
		extra := r.invoke(id, payload)
		r.mu.Lock()
		r.lastID = id
		r.mu.Unlock()
		if extra {
			go r.loop()
		}
	}
}

func (r *rawRuntime) next() (id string, payload []byte, err error) {
	resp, err := r.client.Get(r.base + "invocation/next")
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	payload, err = io.ReadAll(resp.Body)
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("status %d: %s", resp.StatusCode, payload)
	}
	return resp.Header.Get(rawHeaderRequestID), payload, nil
}

// post sends a request and, when step is not empty, records the answer.
func (r *rawRuntime) post(step, path, contentType string, body []byte, hdr map[string]string) int {
	req, err := http.NewRequest(http.MethodPost, r.base+path, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		r.note(finding{Step: step, Body: err.Error()})
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if step != "" {
		r.note(finding{Step: step, Status: resp.StatusCode, Body: string(b)})
	}
	return resp.StatusCode
}

func (r *rawRuntime) note(f finding) {
	r.mu.Lock()
	r.findings = append(r.findings, f)
	r.mu.Unlock()
}

func (r *rawRuntime) respond(id string, body []byte) int {
	return r.post("", "invocation/"+id+"/response", "application/json", body, nil)
}

// invoke handles one event; it reports whether a second /next loop should
// start (next_twice).
func (r *rawRuntime) invoke(id string, payload []byte) (extraLoop bool) {
	var req struct {
		Raw string `json:"raw"`
	}
	_ = json.Unmarshal(payload, &req)
	switch req.Raw {
	case "":
		r.handle(id, payload)
	case "twice":
		r.respond(id, []byte(`"first"`))
		r.post("second_response", "invocation/"+id+"/response", "application/json", []byte(`"second"`), nil)
		r.post("error_after_response", "invocation/"+id+"/error", "application/json",
			[]byte(`{"errorMessage":"late","errorType":"Late"}`), map[string]string{rawHeaderErrorType: "Function.Late"})
	case "wrong_id":
		r.post("wrong_id", "invocation/not-"+id+"/response", "application/json", []byte(`"wrong"`), nil)
		r.respond(id, []byte(`"right"`))
	case "stale_id":
		r.mu.Lock()
		last := r.lastID
		r.mu.Unlock()
		r.post("stale_id", "invocation/"+last+"/response", "application/json", []byte(`"stale"`), nil)
		r.respond(id, []byte(`"right"`))
	case "text":
		r.post("", "invocation/"+id+"/response", "text/plain", []byte("plain text, not JSON\x00\xff"), nil)
	case "truncated":
		r.rawRequest("truncated", "POST /2018-06-01/runtime/invocation/"+id+"/response HTTP/1.1\r\n"+
			"Host: "+r.api+"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"+`{"partial":`)
	case "bad_chunked":
		r.rawRequest("bad_chunked", "POST /2018-06-01/runtime/invocation/"+id+"/response HTTP/1.1\r\n"+
			"Host: "+r.api+"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"+
			"5\r\n\"abc\"\r\nzz\r\nnot a chunk\r\n0\r\n\r\n")
	case "garbage_error":
		r.post("garbage_error", "invocation/"+id+"/error", "application/x-garbage", []byte("<<not json>>"),
			map[string]string{rawHeaderErrorType: "!! not a type !!", rawHeaderXRayCause: "{not json"})
	case "cause_garbage":
		r.post("cause_garbage", "invocation/"+id+"/error", contentTypeCause, []byte("<<not json>>"),
			map[string]string{rawHeaderErrorType: "Function.Broken"})
	case "cause":
		body := `{"errorMessage":"boom","errorType":"Broken","stackTrace":["at x"],` +
			`"errorCause":{"working_directory":"/var/task","exceptions":[],"paths":[]}}`
		r.post("cause", "invocation/"+id+"/error", contentTypeCause, []byte(body),
			map[string]string{rawHeaderErrorType: "Function.Broken"})
	case "not_http":
		r.rawRequest("not_http", "THIS IS NOT HTTP\r\n\r\n")
		r.respond(id, []byte(`"after garbage"`))
	case "init_error":
		r.post("init_error", "init/error", "application/json",
			[]byte(`{"errorMessage":"too late","errorType":"Late"}`), map[string]string{rawHeaderErrorType: "Runtime.Late"})
		r.respond(id, []byte(`"still running"`))
	case "next_running":
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, _, err := r.next()
				f := finding{Step: "next_running", Status: http.StatusOK, RequestID: got}
				if err != nil {
					f = finding{Step: "next_running", Body: err.Error()}
				}
				r.note(f)
			}()
		}
		wg.Wait()
		r.respond(id, []byte(`"redelivered"`))
	case "next_twice":
		r.respond(id, []byte(`"two loops"`))
		return true
	case "no_next":
		r.respond(id, []byte(`"answered"`))
		select {} // never ask for the next invoke
	case "stall_body":
		conn, err := net.Dial("tcp", r.api)
		if err == nil {
			_, _ = io.WriteString(conn, "POST /2018-06-01/runtime/invocation/"+id+"/response HTTP/1.1\r\n"+
				"Host: "+r.api+"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"+`{"partial":`)
		}
		select {} // the connection stays open, the body never ends
	case "findings":
		r.mu.Lock()
		b, _ := json.Marshal(r.findings)
		r.findings = nil
		r.mu.Unlock()
		r.respond(id, b)
	default:
		r.post("", "invocation/"+id+"/error", "application/json",
			[]byte(`{"errorMessage":"unknown raw fault `+req.Raw+`","errorType":"UnknownFault"}`), nil)
	}
	return false
}

// handle runs an ordinary payload through the library-mode handler.
func (r *rawRuntime) handle(id string, payload []byte) {
	var req request
	var out any
	err := json.Unmarshal(payload, &req)
	if err == nil {
		ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: id})
		out, err = handle(ctx, req)
	}
	if err != nil {
		body, _ := json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "errorString"})
		r.post("", "invocation/"+id+"/error", "application/json", body, map[string]string{rawHeaderErrorType: "Function.Error"})
		return
	}
	body, err := json.Marshal(out)
	if err != nil {
		panic(err)
	}
	r.respond(id, body)
}

// rawRequest writes bytes that are not a well-formed request on a fresh
// connection, ends its side of it, and records the answer.
func (r *rawRuntime) rawRequest(step, data string) {
	conn, err := net.DialTimeout("tcp", r.api, 5*time.Second)
	if err != nil {
		r.note(finding{Step: step, Body: err.Error()})
		return
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, data); err != nil {
		r.note(finding{Step: step, Body: err.Error()})
		return
	}
	conn.(*net.TCPConn).CloseWrite() // the body ends here
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		r.note(finding{Step: step, Body: "no answer: " + err.Error()})
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r.note(finding{Step: step, Status: resp.StatusCode, Body: strings.TrimSpace(string(b))})
}
