package platform

import (
	"time"

	"github.com/coldstartlab/coldstart/internal/sandbox"
)

// Option configures a Platform.
type Option func(*Platform)

// WithSandbox sets the sandbox backend (default: the plain backend).
//
// The platform keeps a spare sandbox per memory size ready (sandbox.Pooled),
// so creating cgroups is not on a cold start's path; Close closes b.
func WithSandbox(b sandbox.Backend) Option {
	return func(p *Platform) { p.backend = sandbox.Pooled(b) }
}

// WithConcurrencyLimit caps concurrent invokes across all functions, like an
// account's concurrency quota (default 1000); invokes above it get ErrTooManyRequests.
func WithConcurrencyLimit(n int) Option { return func(p *Platform) { p.limit = int64(n) } }

// WithIdleTimeout sets how long an environment may stay idle before it is
// reclaimed (default 10 minutes).
func WithIdleTimeout(d time.Duration) Option { return func(p *Platform) { p.idleTimeout = d } }

// WithInitTimeout overrides the 10 s init-phase limit (tests).
func WithInitTimeout(d time.Duration) Option { return func(p *Platform) { p.initTimeout = d } }

// WithRegion sets AWS_REGION for runtimes and the region in ARNs (default us-east-1).
func WithRegion(r string) Option { return func(p *Platform) { p.region = r } }

// WithAccountID sets the account in ARNs (default 123456789012).
func WithAccountID(id string) Option { return func(p *Platform) { p.account = id } }

// WithLogSink receives every log line of every environment as it is written.
// It is called from several goroutines, one at a time per environment.
func WithLogSink(f func(LogLine)) Option { return func(p *Platform) { p.sink = f } }

// WithFreeze freezes environments between invokes, as Lambda does (default true).
func WithFreeze(on bool) Option { return func(p *Platform) { p.freeze = on } }

// WithCredentials passes AWS credentials to every runtime, standing in for an
// execution role (default: none).
func WithCredentials(accessKeyID, secretAccessKey, sessionToken string) Option {
	return func(p *Platform) {
		p.credentials = map[string]string{
			"AWS_ACCESS_KEY_ID":     accessKeyID,
			"AWS_SECRET_ACCESS_KEY": secretAccessKey,
			"AWS_SESSION_TOKEN":     sessionToken,
		}
	}
}

// WithToolVersion names coldstart's version in INIT_START lines.
func WithToolVersion(v string) Option { return func(p *Platform) { p.toolVersion = v } }

// WithCPUScale multiplies every environment's CPU share (memory/1769 vCPU):
// above 1 models a host faster than Lambda's, below 1 a slower one (default 1).
func WithCPUScale(f float64) Option { return func(p *Platform) { p.cpuScale = f } }
