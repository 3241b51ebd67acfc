package services

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/coldstartlab/coldstart/internal/template"
)

// The SDKs' service-specific endpoint variables, which every current AWS SDK
// and the CLI honour; functions get them for the services that run.
const (
	EnvDynamoDBEndpoint = "AWS_ENDPOINT_URL_DYNAMODB"
	EnvSQSEndpoint      = "AWS_ENDPOINT_URL_SQS"
	envGlobalEndpoint   = "AWS_ENDPOINT_URL"
)

// Credentials that stand in when the host has none. The services accept any
// signature; SDKs only need something to sign with.
const (
	FakeAccessKeyID     = "coldstart-local"
	FakeSecretAccessKey = "coldstart-local-secret"
)

// Default limits.
const (
	defaultRegion       = "us-east-1"
	defaultStartTimeout = 30 * time.Second
	// account is the account in dynalite's table ARNs: coldstart's, so they
	// match !GetAtt Table.Arn. fauxqs' account (000000000000) is fixed.
	account = "123456789012"
)

var (
	//go:embed launch/dynalite.js
	dynaliteLauncher string
	//go:embed launch/fauxqs.mjs
	fauxqsLauncher string
)

// Options configures Start. Zero values mean the documented defaults.
type Options struct {
	Install      *Install      // default: Find(Hints...)
	Hints        []string      // directories to search for the installation first (the template's)
	Region       string        // region of ARNs and queue URLs; default us-east-1
	StartTimeout time.Duration // per service, until it answers; default 30 s
	Log          io.Writer     // the services' own output; nil discards it
}

// Services are the running local services of one template.
type Services struct {
	Install  Install
	DynamoDB string // endpoint URL, http://127.0.0.1:port; "" when no table needs it
	SQS      string // endpoint URL; "" when no queue needs it
	// Values holds what the template could not know before the services ran,
	// keyed "Queue.QueueUrl" and "Queue.Arn", for template.Template.Bind.
	Values map[string]string

	tables, queues []string // names, for Endpoints
	procs          []*process
	closeOnce      sync.Once
	closeErr       error
}

// Endpoint describes one running service, for banners.
type Endpoint struct {
	Service   string // "DynamoDB" or "SQS"
	URL       string
	Emulator  string // "dynalite 4.0.0"
	Resources []string
}

// Needed reports whether t has tables or queues, and so needs Start.
func Needed(t *template.Template) bool { return len(t.Tables) > 0 || len(t.Queues) > 0 }

// Start starts the services t's tables and queues need (none when Needed is
// false), creates them, and returns once every service answers. On error
// nothing is left running.
func Start(ctx context.Context, t *template.Template, o Options) (*Services, error) {
	s := &Services{Values: map[string]string{}}
	if !Needed(t) {
		return s, nil
	}
	if o.Install != nil {
		s.Install = *o.Install
	} else {
		in, err := Find(o.Hints...)
		if err != nil {
			return nil, err
		}
		s.Install = in
	}
	if o.Region == "" {
		o.Region = defaultRegion
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = defaultStartTimeout
	}
	cfg := aws.Config{
		Region:      o.Region,
		Credentials: credentials.NewStaticCredentialsProvider(FakeAccessKeyID, FakeSecretAccessKey, ""),
		// Not a plain http.Client: with AWS_CA_BUNDLE set the SDK needs a
		// buildable one.
		HTTPClient: awshttp.NewBuildableClient(),
	}

	// Both services start at once: each is a Node.js start of a few hundred
	// milliseconds.
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		errs     []error
		dynamodb *process
		sqs      *process
	)
	run := func(name string, args, env []string, to **process) {
		defer wg.Done()
		p, err := launch(ctx, name, s.Install.Node, s.Install.Dir, args, env, o.Log, o.StartTimeout)
		if err == nil {
			if err = checkLoopback(p); err != nil {
				_ = p.stop()
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs = append(errs, err)
			return
		}
		*to = p
		s.procs = append(s.procs, p)
	}
	if len(t.Tables) > 0 {
		wg.Add(1)
		go run("dynalite", []string{"-e", dynaliteLauncher},
			[]string{"COLDSTART_DYNALITE=" + s.Install.Dynalite, "AWS_REGION=" + o.Region, "AWS_ACCOUNT_ID=" + account}, &dynamodb)
	}
	if len(t.Queues) > 0 {
		wg.Add(1)
		go run("fauxqs", []string{"--input-type=module", "-e", fauxqsLauncher},
			[]string{"COLDSTART_FAUXQS=" + s.Install.Fauxqs, "AWS_REGION=" + o.Region}, &sqs)
	}
	wg.Wait()
	if len(errs) > 0 {
		_ = s.Close()
		return nil, errors.Join(errs...)
	}

	ctx, cancel := context.WithTimeout(ctx, o.StartTimeout)
	defer cancel()
	file := t.Path
	if file == "" {
		file = "template.yaml"
	}
	if dynamodb != nil {
		s.DynamoDB = endpoint(dynamodb.port)
		if err := createTables(ctx, cfg, s.DynamoDB, t.Tables, file); err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("%w%s", err, dynamodb.out.suffix())
		}
		for _, tb := range t.Tables {
			s.tables = append(s.tables, tb.Name)
		}
	}
	if sqs != nil {
		s.SQS = endpoint(sqs.port)
		if err := createQueues(ctx, cfg, s.SQS, t.Queues, file, s.Values); err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("%w%s", err, sqs.out.suffix())
		}
		for _, q := range t.Queues {
			s.queues = append(s.queues, q.Name)
		}
	}
	return s, nil
}

func endpoint(port int) string { return fmt.Sprintf("http://127.0.0.1:%d", port) }

// Env returns the endpoint variables to give a function whose own
// environment is env: one per running service, unless env already points
// that service (or every service, AWS_ENDPOINT_URL) somewhere.
func (s *Services) Env(env map[string]string) map[string]string {
	out := map[string]string{}
	if s == nil {
		return out
	}
	if _, global := env[envGlobalEndpoint]; global {
		return out
	}
	for k, v := range map[string]string{EnvDynamoDBEndpoint: s.DynamoDB, EnvSQSEndpoint: s.SQS} {
		if _, own := env[k]; v != "" && !own {
			out[k] = v
		}
	}
	return out
}

// Endpoints describes the running services, DynamoDB first.
func (s *Services) Endpoints() []Endpoint {
	var out []Endpoint
	if s == nil {
		return nil
	}
	if s.DynamoDB != "" {
		out = append(out, Endpoint{"DynamoDB", s.DynamoDB, "dynalite " + s.Install.DynaliteVersion, sorted(s.tables)})
	}
	if s.SQS != "" {
		out = append(out, Endpoint{"SQS", s.SQS, "fauxqs " + s.Install.FauxqsVersion, sorted(s.queues)})
	}
	return out
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

// PIDs returns the services' process ids (for tests and diagnostics).
func (s *Services) PIDs() []int {
	var out []int
	for _, p := range s.procs {
		out = append(out, p.pid)
	}
	return out
}

// Close kills every service and waits until they are gone; their ports are
// closed when it returns. It is safe to call more than once.
func (s *Services) Close() error {
	if s == nil {
		return nil
	}
	s.closeOnce.Do(func() {
		var errs []error
		for _, p := range s.procs {
			errs = append(errs, p.stop())
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// where names a resource's template line in errors.
func where(file string, line int) string {
	return fmt.Sprintf("%s:%d", filepath.ToSlash(file), line)
}
