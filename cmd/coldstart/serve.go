package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/coldstartlab/coldstart/internal/local"
	"github.com/coldstartlab/coldstart/internal/platform"
	"github.com/coldstartlab/coldstart/internal/template"
	"github.com/coldstartlab/coldstart/internal/version"
	"github.com/spf13/cobra"
)

func newServeCmd() *cobra.Command {
	var o local.Options
	var quiet bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run a SAM template's functions on the local Lambda platform",
		Long: `serve builds the functions of a SAM template and serves them through the Lambda
API, like 'sam local start-lambda' but without Docker and with Lambda's real
behaviour: one environment per concurrent invoke, environments reused while
warm, frozen between invokes and reaped when idle, Lambda's answers to
timeouts, crashes and init failures, and START/END/REPORT lines with real
Init Duration and Max Memory Used.

Function logs go to stdout, prefixed by the function name; everything else to
stderr. Stop with Ctrl-C or SIGTERM: every runtime process is killed.

Without --template, serve uses ./template.yaml (or .yml), else
examples/template.yaml.`,
		Example: `  coldstart serve
  coldstart serve --template app/template.yaml --listen 127.0.0.1:3001
  coldstart serve --http 127.0.0.1:3000     # HttpApi events and Function URLs
  curl -H 'content-type: application/json' http://127.0.0.1:3000/orders \
      -d '{"customerId":"c-1","items":[{"sku":"tea","quantity":2,"price":3.5}]}'
  aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name Uppercase \
      --cli-binary-format raw-in-base64-out --payload '"hi"' out.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			if err := checkRuntimeFlag(o.Runtimes); err != nil {
				return err
			}
			tpl, err := local.FindTemplate(o.Template)
			if err != nil {
				return err
			}
			o.Template = tpl
			template.Region = o.Region // !Ref AWS::Region and the ARNs of tables and queues
			o.Version = version.String()
			o.BuildLog = stderr
			if !quiet {
				o.LogSink = newLogPrinter(stdout)
			}
			s, err := local.Start(cmd.Context(), o)
			if err != nil {
				return err
			}
			printBanner(stderr, s, tpl)
			<-cmd.Context().Done()
			fmt.Fprintln(stderr, "Shutting down: killing every environment…")
			return s.Close()
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Template, "template", "t", "", "SAM template file")
	f.StringVar(&o.Listen, "listen", "127.0.0.1:3001", "address for the Lambda API (port 0 picks a free one)")
	f.StringVarP(&o.EnvVars, "env-vars", "n", "", "JSON file of environment variable overrides, as for 'sam local' ({\"Fn\":{\"K\":\"v\"},\"Parameters\":{…}})")
	f.StringVar(&o.Sandbox, "sandbox", "auto", "environment sandbox: auto (the best this host supports), cgroup1, cgroup2 or plain")
	f.IntVar(&o.ConcurrencyLimit, "concurrency-limit", 1000, "concurrent invokes allowed across all functions; more get 429 TooManyRequestsException")
	f.DurationVar(&o.IdleTimeout, "idle-timeout", 10*time.Minute, "reclaim an environment after it has been idle this long")
	f.StringVar(&o.Region, "region", "us-east-1", "AWS_REGION given to functions and used in ARNs")
	f.BoolVar(&o.NoFreeze, "no-freeze", false, "let environments run between invokes instead of freezing them as Lambda does")
	f.Float64Var(&o.CPUScale, "cpu-scale", 1, "multiply each environment's CPU share (MemorySize/1769 vCPU) to model a faster or slower host")
	addRuntimeFlag(f, &o.Runtimes)
	f.StringVar(&o.HTTP, "http", "", "also serve the template's HttpApi events and Function URLs (under /lambda-url/<Function>/) as API Gateway would, on this address, e.g. 127.0.0.1:3000; default: off")
	f.StringVar(&o.StateDir, "state-dir", "", "keep functions created through the API (CreateFunction) in this directory across restarts; default: forgotten on exit")
	f.DurationVar(&o.AsyncRetryDelay, "async-retry-delay", time.Minute, "wait before retrying a failed Event invoke (the second retry waits twice as long), as Lambda's 1 and 2 minutes")
	f.BoolVarP(&quiet, "quiet", "q", false, "do not print function logs")
	return cmd
}

func printBanner(w io.Writer, s *local.Server, tpl string) {
	fmt.Fprintf(w, "coldstart %s · sandbox %s: %s\n", version.String(), s.Platform.Sandbox().Name(), s.Limits())
	fmt.Fprintf(w, "%d function(s) from %s:\n", len(s.Template.Functions), tpl)
	for _, fn := range s.Template.Functions {
		pkg := s.Packages[fn.Name]
		fmt.Fprintf(w, "  %-24s %-16s %-7s %5d MB %4.0f s  %s in %d file(s)\n",
			fn.Name, fn.Runtime, fn.Architecture, fn.MemoryMB, fn.Timeout.Seconds(), humanBytes(pkg.Size), pkg.Files)
		if cfg, ok := s.Platform.Function(fn.Name); ok && cfg.Managed != nil {
			fmt.Fprintf(w, "  %-24s └ %s\n", "", cfg.Managed.Interpreter)
		}
	}
	if len(s.Restored) > 0 {
		fmt.Fprintf(w, "%d function(s) created through the API, restored from the state directory: %s\n", len(s.Restored), strings.Join(s.Restored, ", "))
	}
	if eps := s.Services.Endpoints(); len(eps) > 0 {
		fmt.Fprintln(w, "Local AWS services (functions get AWS_ENDPOINT_URL_<SERVICE>; no AWS credentials needed):")
		for _, ep := range eps {
			fmt.Fprintf(w, "  %-8s %-24s %-16s %s\n", ep.Service, ep.URL, ep.Emulator, strings.Join(ep.Resources, ", "))
		}
	}
	fmt.Fprintf(w, "Lambda API listening on %s\n", s.URL)
	if len(s.Template.Functions) > 0 {
		fmt.Fprintf(w, "  try: coldstart invoke %s --endpoint-url %s --payload '\"hi\"'\n", s.Template.Functions[0].Name, s.URL)
	}
	if s.HTTPURL != "" {
		fmt.Fprintf(w, "HTTP API on %s:\n", s.HTTPURL)
		for _, r := range s.FrontDoorRoutes() {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// newLogPrinter prints log lines as `[Function] text`, one whole line at a time.
func newLogPrinter(w io.Writer) func(platform.LogLine) {
	var mu sync.Mutex
	return func(l platform.LogLine) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "[%s] %s\n", l.Function, l.Text)
	}
}
