package apigw

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// response is the HTTP answer mapped from a function's output.
type response struct {
	status int
	header http.Header
	body   []byte
}

// mapResponse applies Lambda's response mapping for payload 2.0 and
// Function URLs (lambda-spec.md §8):
//
//   - a JSON object with statusCode is a structured response: statusCode,
//     headers (one value each, comma-joined by the function if it likes),
//     multiValueHeaders, cookies (one Set-Cookie each), body, and
//     isBase64Encoded (then the body is decoded before it is sent);
//   - any other valid JSON is the body of a 200 with content-type
//     application/json, byte for byte (a string keeps its quotes);
//   - anything else is a malformed response, an error.
func mapResponse(out []byte) (response, error) {
	trimmed := bytes.TrimSpace(out)
	if !json.Valid(trimmed) {
		return response{}, errors.New("malformed response: not JSON")
	}
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &probe); err == nil {
			if _, ok := probe["statusCode"]; ok {
				return structured(trimmed)
			}
		}
	}
	return response{
		status: http.StatusOK,
		header: http.Header{"Content-Type": {"application/json"}},
		body:   out,
	}, nil
}

// structured maps a response object with a statusCode.
func structured(out []byte) (response, error) {
	var r events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &r); err != nil {
		return response{}, fmt.Errorf("malformed response: %w", err)
	}
	if r.StatusCode < 200 || r.StatusCode > 599 {
		return response{}, fmt.Errorf("malformed response: statusCode %d", r.StatusCode)
	}
	resp := response{status: r.StatusCode, header: http.Header{}, body: []byte(r.Body)}
	if r.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			return response{}, fmt.Errorf("malformed response: isBase64Encoded but body is not base64: %w", err)
		}
		resp.body = b
	}
	for k, v := range r.Headers {
		if err := checkHeader(k, v); err != nil {
			return response{}, err
		}
		resp.header.Add(k, v)
	}
	for k, vs := range r.MultiValueHeaders {
		for _, v := range vs {
			if err := checkHeader(k, v); err != nil {
				return response{}, err
			}
			resp.header.Add(k, v)
		}
	}
	for _, c := range r.Cookies {
		if err := checkHeader("set-cookie", c); err != nil {
			return response{}, err
		}
		resp.header.Add("Set-Cookie", c)
	}
	return resp, nil
}

// checkHeader refuses a header net/http could not send as given.
func checkHeader(name, value string) error {
	if name == "" || strings.ContainsAny(name, " \t\r\n:") || strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("malformed response: bad header %q: %q", name, value)
	}
	return nil
}

// write sends resp. A structured response without a content-type gets none:
// net/http would otherwise guess one from the body.
func (r response) write(w http.ResponseWriter) {
	h := w.Header()
	for k, vs := range r.header {
		h[k] = append(h[k], vs...)
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil
	}
	h.Del("Content-Length") // net/http sets the true one
	w.WriteHeader(r.status)
	w.Write(r.body)
}
