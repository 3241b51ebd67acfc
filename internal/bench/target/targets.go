package target

import (
	"context"

	"io"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/lambdaclient"
	"github.com/coldstartlab/coldstart/internal/local"
)

// AWS returns a target for AWS Lambda itself, with the SDK's default
// credential chain.
func AWS(ctx context.Context, region, profile string) (*Lambda, error) {
	client, err := lambdaclient.New(ctx, lambdaclient.Options{Region: region, Profile: profile, MaxAttempts: 1})
	if err != nil {
		return nil, err
	}
	return newLambda(client, bench.TargetInfo{Kind: "aws", Region: client.Options().Region}), nil
}

// Endpoint returns a target for any server speaking the Lambda API, such as
// a `coldstart serve` started elsewhere.
func Endpoint(ctx context.Context, url, region string) (*Lambda, error) {
	client, err := lambdaclient.New(ctx, lambdaclient.Options{Endpoint: url, Region: region, MaxAttempts: 1})
	if err != nil {
		return nil, err
	}
	return newLambda(client, bench.TargetInfo{Kind: "endpoint", Endpoint: url, Region: client.Options().Region}), nil
}

// LocalOptions configures the embedded platform.
type LocalOptions struct {
	Template    string
	IdleTimeout time.Duration
	Sandbox     string
	Region      string
	Version     string
	BuildLog    io.Writer
	CPUScale    float64
	Runtimes    map[string]string // interpreter overrides for managed runtimes
	Functions   []string          // the functions the scenario uses; only they are built
}

// Local starts the embedded platform on 127.0.0.1:0 and returns a target
// pointed at it through the same client as AWS; close it to stop the platform.
func Local(ctx context.Context, o LocalOptions) (*Lambda, io.Closer, error) {
	s, err := local.Start(ctx, local.Options{
		Template: o.Template, IdleTimeout: o.IdleTimeout, Sandbox: o.Sandbox, Region: o.Region,
		Version: o.Version, BuildLog: o.BuildLog, CPUScale: o.CPUScale, Runtimes: o.Runtimes,
		Functions: o.Functions,
	})
	if err != nil {
		return nil, nil, err
	}
	client, err := lambdaclient.New(ctx, lambdaclient.Options{Endpoint: s.URL, Region: s.Platform.Region(), MaxAttempts: 1})
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	t := newLambda(client, bench.TargetInfo{Kind: "local", Endpoint: s.URL, Region: s.Platform.Region(),
		Sandbox: s.Platform.Sandbox().Name(), SandboxLimits: s.Limits()})
	t.idle = o.IdleTimeout
	t.packages = map[string]bench.VariantInfo{}
	for name, pkg := range s.Packages {
		v := bench.VariantInfo{PackageBytes: pkg.Size, PackageFiles: pkg.Files}
		if cfg, ok := s.Platform.Function(name); ok && cfg.Managed != nil {
			v.Interpreter = cfg.Managed.Interpreter
		}
		t.packages[name] = v
	}
	return t, s, nil
}
