package apigw

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/coldstartlab/coldstart/internal/platform"
)

// Invoker runs function synchronously with payload and returns its output.
// functionError is non-empty when the function failed (its output is then
// the error document); err means the invoke could not run at all, and is
// platform.ErrTooManyRequests (or wraps it) for a throttle.
type Invoker func(ctx context.Context, function string, payload []byte) (out []byte, functionError string, err error)

// Options configures New. Zero values mean the documented defaults.
type Options struct {
	Region    string // default us-east-1; in domain names
	AccountID string // default 123456789012
	// APIID is the HTTP API's id in requestContext.apiId and domainName;
	// default a fixed 10-character id derived from region and account.
	APIID string
	// MaxBodyBytes is the HTTP API request body limit (default 10 MB, API
	// Gateway's); Function URLs allow MaxEventBytes. Larger bodies get 413.
	MaxBodyBytes int64
	// MaxEventBytes is Lambda's synchronous invoke payload limit (default 6 MB).
	MaxEventBytes int
	// IntegrationTimeout is how long the HTTP API waits for the function
	// (default 30 s, API Gateway's maximum); then it answers 503. Function
	// URLs wait for the function's own timeout.
	IntegrationTimeout time.Duration
	// Logf, when set, is told why a request failed (a function error, a
	// malformed response); the client only sees API Gateway's generic answer.
	Logf func(format string, args ...any)
	Now  func() time.Time // default time.Now; for tests
}

// Limits and defaults of API Gateway HTTP APIs and Lambda (lambda-spec.md §7–8).
const (
	defaultRegion      = "us-east-1"
	defaultAccountID   = "123456789012"
	maxHTTPAPIBody     = 10 << 20
	maxSyncPayload     = 6 << 20
	integrationTimeout = 30 * time.Second
)

// URLPrefix is the local path under which a function's URL is served:
// /lambda-url/<FunctionName>/… reaches <FunctionName>'s Function URL with the
// rest of the path as its rawPath. On AWS each URL has its own host.
const URLPrefix = "/lambda-url/"

// handler is the front door returned by New.
type handler struct {
	opts   Options
	routes *table
	urls   map[string]string // function → url-id
	invoke Invoker
}

// New returns the front door for routes and for the Function URLs of the
// functions named in urls. It rejects a route API Gateway would reject: a bad
// method or path, or two routes a request could not tell apart.
func New(routes []Route, urls []string, invoke Invoker, opts Options) (http.Handler, error) {
	if invoke == nil {
		return nil, errors.New("apigw: nil Invoker")
	}
	t, err := newTable(routes)
	if err != nil {
		return nil, err
	}
	if opts.Region == "" {
		opts.Region = defaultRegion
	}
	if opts.AccountID == "" {
		opts.AccountID = defaultAccountID
	}
	if opts.APIID == "" {
		opts.APIID = shortID("api:"+opts.Region+":"+opts.AccountID, 10)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = maxHTTPAPIBody
	}
	if opts.MaxEventBytes <= 0 {
		opts.MaxEventBytes = maxSyncPayload
	}
	if opts.IntegrationTimeout <= 0 {
		opts.IntegrationTimeout = integrationTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := &handler{opts: opts, routes: t, urls: map[string]string{}, invoke: invoke}
	for _, fn := range urls {
		if fn == "" || strings.Contains(fn, "/") {
			return nil, fmt.Errorf("function URL: bad function name %q", fn)
		}
		h.urls[fn] = URLID(fn)
	}
	return h, nil
}

// URLID is the 32-character id of function's local Function URL, the first
// label of its domain name; it is the same on every run.
func URLID(function string) string {
	return shortID("url:"+function, 32)
}

// shortID derives a lower-case id of n (≤ 32) base32 characters from seed.
func shortID(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	return strings.ToLower(base32.StdEncoding.EncodeToString(sum[:20]))[:n]
}

// target is where a request goes: a route of the HTTP API or a Function URL.
type target struct {
	function string
	url      bool
	urlID    string
	routeKey string
	rawPath  string
	params   map[string]string
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	tg, ok := h.urlTarget(path)
	if !ok {
		rt, params, found := h.routes.find(r.Method, path)
		if !found {
			writeMessage(w, http.StatusNotFound, "Not Found")
			return
		}
		tg = target{function: rt.Function, routeKey: rt.Key(), rawPath: path, params: params}
	}
	limit := h.opts.MaxBodyBytes
	if tg.url {
		limit = int64(h.opts.MaxEventBytes)
	}
	var body []byte
	var err error
	if r.Body != nil {
		body, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
	}
	if err != nil {
		h.fail(w, tg, http.StatusBadRequest, "read request body: %v", err)
		return
	}
	if int64(len(body)) > limit {
		h.fail(w, tg, http.StatusRequestEntityTooLarge, "request body over %d bytes", limit)
		return
	}
	ev, requestID := h.event(r, body, tg)
	payload, err := marshalEvent(ev)
	if err != nil {
		h.fail(w, tg, http.StatusInternalServerError, "encode event: %v", err)
		return
	}
	if len(payload) > h.opts.MaxEventBytes {
		// Lambda refuses the invoke (RequestTooLargeException).
		status := http.StatusInternalServerError
		if tg.url {
			status = http.StatusRequestEntityTooLarge
		}
		h.fail(w, tg, status, "event of %d bytes is over Lambda's %d-byte payload limit", len(payload), h.opts.MaxEventBytes)
		return
	}
	if tg.url {
		w.Header().Set(headerURLRequestID, requestID)
	} else {
		w.Header().Set(headerAPIRequestID, requestID)
	}
	ctx := r.Context()
	if !tg.url {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.opts.IntegrationTimeout)
		defer cancel()
	}
	out, fnErr, err := h.invoke(ctx, tg.function, payload)
	switch {
	case errors.Is(err, platform.ErrTooManyRequests):
		h.fail(w, tg, http.StatusTooManyRequests, "%s throttled: %v", tg.function, err)
		return
	case err != nil && !tg.url && errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		h.fail(w, tg, http.StatusServiceUnavailable, "%s did not answer within %s", tg.function, h.opts.IntegrationTimeout)
		return
	case err != nil:
		h.fail(w, tg, http.StatusInternalServerError, "invoke %s: %v", tg.function, err)
		return
	case fnErr != "":
		h.fail(w, tg, http.StatusBadGateway, "%s failed (%s): %s", tg.function, fnErr, truncate(out))
		return
	}
	resp, err := mapResponse(out)
	if err != nil {
		h.fail(w, tg, http.StatusBadGateway, "%s: %v", tg.function, err)
		return
	}
	resp.write(w)
}

// urlTarget recognises /lambda-url/<FunctionName>/rest for a function with a
// Function URL.
func (h *handler) urlTarget(path string) (target, bool) {
	if len(h.urls) == 0 || !strings.HasPrefix(path, URLPrefix) {
		return target{}, false
	}
	name, rest, _ := strings.Cut(strings.TrimPrefix(path, URLPrefix), "/")
	id, ok := h.urls[name]
	if !ok {
		return target{}, false
	}
	return target{function: name, url: true, urlID: id, routeKey: DefaultRoute, rawPath: "/" + rest}, true
}

// Errors as the client sees them. An HTTP API answers every failure of the
// integration with a JSON message; a Function URL answers a failed or
// malformed invoke with 502 and a plain body (lambda-spec.md §8; the URL
// bodies and the HTTP API's 502-as-500 are observed, not documented).
func (h *handler) fail(w http.ResponseWriter, tg target, status int, format string, args ...any) {
	if h.opts.Logf != nil {
		h.opts.Logf("%s %s: %d: %s", tg.function, tg.routeKey, status, fmt.Sprintf(format, args...))
	}
	if tg.url {
		msg := http.StatusText(status)
		if status == http.StatusBadGateway {
			msg = "Internal Server Error"
		}
		if status == http.StatusTooManyRequests {
			writeMessage(w, status, msg)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, msg)
		return
	}
	if status == http.StatusBadGateway {
		status = http.StatusInternalServerError
	}
	writeMessage(w, status, http.StatusText(status))
}

// writeMessage writes API Gateway's error document {"message":"…"}.
func writeMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":%q}`, msg)
}

// truncate shortens a function's error document for a log line.
func truncate(b []byte) string {
	const n = 512
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
