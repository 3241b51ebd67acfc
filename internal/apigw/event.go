package apigw

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Protocol names of the 2.0 payload and of the headers API Gateway and
// Function URLs add.
const (
	payloadVersion     = "2.0"
	stageDefault       = "$default"
	timeFormat         = "02/Jan/2006:15:04:05 -0700"
	headerAPIRequestID = "Apigw-Requestid"  // HTTP API responses
	headerURLRequestID = "X-Amzn-Requestid" // Function URL responses
	headerTraceID      = "x-amzn-trace-id"
	headerForwardedFor = "x-forwarded-for"
	headerForwardedPro = "x-forwarded-proto"
	headerForwardedPrt = "x-forwarded-port"
)

// event builds the payload 2.0 event of r for tg and returns it with its
// request id.
func (h *handler) event(r *http.Request, body []byte, tg target) (events.APIGatewayV2HTTPRequest, string) {
	now := h.opts.Now().UTC()
	apiID, domain := h.opts.APIID, h.opts.APIID+".execute-api."+h.opts.Region+".amazonaws.com"
	requestID := apiRequestID()
	if tg.url {
		apiID, domain = tg.urlID, tg.urlID+".lambda-url."+h.opts.Region+".on.aws"
		requestID = uuid()
	}
	headers, cookies := eventHeaders(r)
	sourceIP, _ := clientAddr(r)
	ev := events.APIGatewayV2HTTPRequest{
		Version:               payloadVersion,
		RouteKey:              tg.routeKey,
		RawPath:               tg.rawPath,
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: queryParameters(r.URL.RawQuery),
		PathParameters:        tg.params,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     tg.routeKey,
			AccountID:    h.opts.AccountID,
			Stage:        stageDefault,
			RequestID:    requestID,
			APIID:        apiID,
			DomainName:   domain,
			DomainPrefix: apiID,
			Time:         now.Format(timeFormat),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      tg.rawPath,
				Protocol:  protocol(r),
				SourceIP:  sourceIP,
				UserAgent: headers["user-agent"],
			},
		},
	}
	if tg.url {
		ev.RequestContext.AccountID = "anonymous" // AuthType NONE: no caller account
	}
	if len(body) > 0 {
		if isText(headers["content-type"], body) {
			ev.Body = string(body)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	return ev, requestID
}

// eventHeaders lower-cases header names, joins repeated headers with ","
// and moves Cookie headers into cookies, one entry per cookie. Like API
// Gateway it adds host, x-forwarded-* and a trace id.
func eventHeaders(r *http.Request) (map[string]string, []string) {
	headers := make(map[string]string, len(r.Header)+5)
	var cookies []string
	for name, values := range r.Header {
		k := strings.ToLower(name)
		if k == "cookie" {
			for _, v := range values {
				for c := range strings.SplitSeq(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		if prev, ok := headers[k]; ok { // e.g. both "X-A" and "x-a" sent
			values = append([]string{prev}, values...)
		}
		headers[k] = strings.Join(values, ",")
	}
	if r.Host != "" {
		headers["host"] = r.Host
	}
	ip, port := clientAddr(r)
	if prev := headers[headerForwardedFor]; prev != "" {
		headers[headerForwardedFor] = prev + ", " + ip
	} else {
		headers[headerForwardedFor] = ip
	}
	headers[headerForwardedPro] = "http"
	if port != "" {
		headers[headerForwardedPrt] = port
	}
	if headers[headerTraceID] == "" {
		headers[headerTraceID] = traceID()
	}
	return headers, cookies
}

// clientAddr returns the client's IP and the local port it connected to.
func clientAddr(r *http.Request) (ip, port string) {
	ip = r.RemoteAddr
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		ip = h
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, p, err := net.SplitHostPort(a.String()); err == nil {
			port = p
		}
	}
	return strings.TrimSpace(ip), port
}

// queryParameters decodes a raw query string; a key given more than once
// gets its values joined with ",". Unlike url.ParseQuery it keeps pairs with
// bad escapes (as sent) and does not treat ";" as an error.
func queryParameters(raw string) map[string]string {
	if raw == "" {
		return nil
	}
	var q map[string]string
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, v = unescapeQuery(k), unescapeQuery(v)
		if q == nil {
			q = map[string]string{}
		}
		if prev, ok := q[k]; ok {
			v = prev + "," + v
		}
		q[k] = v
	}
	return q
}

func unescapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// isText is the body rule: a body goes to the function as is when its
// content type is textual (text/*, JSON, XML, YAML, JavaScript, form data,
// GraphQL, any +json/+xml/+yaml type) and it is valid UTF-8; everything
// else is base64 with isBase64Encoded. A body without a content type counts
// as text when it is valid UTF-8 (local choice; unconfirmed on AWS).
func isText(contentType string, body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(strings.ToLower(contentType), ";")
		mt = strings.TrimSpace(mt)
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"), strings.HasSuffix(mt, "+yaml"):
		return true
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript", "application/ecmascript",
		"application/x-www-form-urlencoded", "application/yaml", "application/x-yaml", "application/graphql":
		return true
	}
	return false
}

func protocol(r *http.Request) string {
	if r.Proto == "" {
		return "HTTP/1.1"
	}
	return r.Proto
}

// wireEvent is the event as sent: aws-lambda-go's shape, except that
// requestContext.authentication is left out, as API Gateway leaves it out
// without mutual TLS (aws-lambda-go would send an empty clientCert, which a
// function could take for a client certificate).
type wireEvent struct {
	events.APIGatewayV2HTTPRequest
	RequestContext wireContext `json:"requestContext"`
}

type wireContext struct {
	events.APIGatewayV2HTTPRequestContext
	Authentication *events.APIGatewayV2HTTPRequestContextAuthentication `json:"authentication,omitempty"`
}

// marshalEvent encodes ev without HTML escaping, as AWS does: "<" stays "<".
func marshalEvent(ev events.APIGatewayV2HTTPRequest) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	w := wireEvent{APIGatewayV2HTTPRequest: ev, RequestContext: wireContext{APIGatewayV2HTTPRequestContext: ev.RequestContext}}
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// apiRequestID looks like API Gateway's request ids ("LV7fzho-PHcEJPw=").
func apiRequestID() string {
	b := make([]byte, 11)
	rand.Read(b)
	return base64.URLEncoding.EncodeToString(b)
}

func uuid() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// traceID is an X-Ray trace header for a request that came without one.
func traceID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("Root=1-%s-%s", hex.EncodeToString(b[:4]), hex.EncodeToString(b[4:]))
}
