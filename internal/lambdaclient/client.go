// Package lambdaclient builds aws-sdk-go-v2 Lambda clients, for real AWS or
// for a Lambda-API endpoint such as `coldstart serve`, so that every caller
// (invoke, bench, tests) talks to both through the same client.
package lambdaclient

import (
	"context"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Options says where the client goes.
type Options struct {
	// Endpoint is a Lambda-API URL (e.g. http://127.0.0.1:3001); empty means AWS.
	Endpoint string
	Region   string // default: the SDK's configuration, else us-east-1
	Profile  string // AWS only
	// MaxAttempts overrides the SDK's retries (3); 1 disables them, which a
	// benchmark wants so that every sample is one invoke.
	MaxAttempts int
	// MaxConns sizes the connection pool for concurrent invokes (default 1024).
	MaxConns int
}

// New returns a Lambda client. A local endpoint gets static dummy credentials
// (it accepts any signature) and never consults the AWS credential chain.
func New(ctx context.Context, o Options) (*lambda.Client, error) {
	conns := o.MaxConns
	if conns <= 0 {
		conns = 1024
	}
	// A BuildableClient, not an *http.Client: with AWS_CA_BUNDLE set, the SDK
	// must be able to add the bundle to the transport itself.
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = conns
		t.MaxIdleConnsPerHost = conns
	})
	loadOpts := []func(*config.LoadOptions) error{config.WithHTTPClient(httpClient)}
	if o.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(o.Region))
	}
	if o.Endpoint != "" {
		loadOpts = append(loadOpts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("coldstart", "coldstart", "")))
	} else if o.Profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.MaxAttempts > 0 {
		loadOpts = append(loadOpts, config.WithRetryMaxAttempts(o.MaxAttempts))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return lambda.NewFromConfig(cfg, func(lo *lambda.Options) {
		if o.Endpoint != "" {
			lo.BaseEndpoint = aws.String(o.Endpoint)
		}
	}), nil
}
