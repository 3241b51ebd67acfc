// Echo answers an API Gateway HTTP API / Function URL event with the event
// itself, so the front door's tests can see what a function receives. The
// query string picks the answer:
//
//	(nothing)     200, JSON body: the event as received
//	?cookies=1    also sets the cookies a=1; Path=/ and b=2; HttpOnly
//	?binary=1     the request body, decoded, back as a base64 body (image/png)
//	?bare=1       a bare JSON value (not a response object): {"bare":true,"path":…}
//	?status=N     status N
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, ev events.APIGatewayV2HTTPRequest) (any, error) {
	q := ev.QueryStringParameters
	if q["bare"] != "" {
		return map[string]any{"bare": true, "path": ev.RawPath}, nil
	}
	if q["binary"] != "" {
		body := []byte(ev.Body)
		if ev.IsBase64Encoded {
			b, err := base64.StdEncoding.DecodeString(ev.Body)
			if err != nil {
				return nil, err
			}
			body = b
		}
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, IsBase64Encoded: true,
			Headers: map[string]string{"content-type": "image/png"},
			Body:    base64.StdEncoding.EncodeToString(body)}, nil
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	resp := events.APIGatewayV2HTTPResponse{StatusCode: 200,
		Headers:           map[string]string{"content-type": "application/json"},
		MultiValueHeaders: map[string][]string{"x-echo": {"one", "two"}},
		Body:              string(body)}
	if s, err := strconv.Atoi(q["status"]); err == nil {
		resp.StatusCode = s
	}
	if q["cookies"] != "" {
		resp.Cookies = []string{"a=1; Path=/", "b=2; HttpOnly"}
	}
	return resp, nil
}

func main() {
	lambda.Start(handle)
}
