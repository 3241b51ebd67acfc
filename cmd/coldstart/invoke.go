package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/coldstartlab/coldstart/internal/lambdaclient"
	"github.com/coldstartlab/coldstart/internal/local"
	"github.com/coldstartlab/coldstart/internal/reportlog"
	"github.com/coldstartlab/coldstart/internal/version"
	"github.com/spf13/cobra"
)

func newInvokeCmd() *cobra.Command {
	var (
		payload, endpoint, region, invocationType string
		templatePath, envVars                     string
		interpreters                              map[string]string
		showLog                                   bool
	)
	cmd := &cobra.Command{
		Use:   "invoke FUNCTION",
		Short: "Invoke a function and print its response and REPORT line",
		Long: `invoke calls a function through the Lambda API (by default the 'coldstart serve'
at http://127.0.0.1:3001) with LogType Tail. The response goes to stdout, the
REPORT line (or, with --log, the whole log tail) to stderr. A function error
exits with status 1 after printing the error payload.

With --template, invoke starts the local platform itself for this one invoke,
like 'sam local invoke': the invoke is a real cold start.

FUNCTION is a name, name:qualifier or ARN, as for 'aws lambda invoke'.`,
		Example: `  coldstart invoke Uppercase --payload '"hi"'
  coldstart invoke --template examples/template.yaml Uppercase --payload '"hi"'
  coldstart invoke Uppercase --payload @event.json --log
  echo '"hi"' | coldstart invoke Uppercase --payload -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body, err := readPayloadFlag(payload, cmd.InOrStdin())
			if err != nil {
				return err
			}
			if templatePath != "" {
				if err := checkRuntimeFlag(interpreters); err != nil {
					return err
				}
				s, err := local.Start(cmd.Context(), local.Options{
					Template: templatePath, EnvVars: envVars, Version: version.String(), BuildLog: cmd.ErrOrStderr(),
					Runtimes: interpreters, Functions: []string{localFunctionName(args[0])},
				})
				if err != nil {
					return err
				}
				defer s.Close()
				endpoint = s.URL
			}
			client, err := lambdaclient.New(cmd.Context(), lambdaclient.Options{Endpoint: endpoint, Region: region, MaxAttempts: 1})
			if err != nil {
				return err
			}
			out, err := client.Invoke(cmd.Context(), &lambda.InvokeInput{
				FunctionName:   aws.String(args[0]),
				Payload:        body,
				LogType:        types.LogTypeTail,
				InvocationType: types.InvocationType(invocationType),
			})
			if err != nil {
				return explainInvokeError(err, endpoint)
			}
			return printInvoke(cmd.OutOrStdout(), cmd.ErrOrStderr(), out, showLog)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&payload, "payload", "p", "", "JSON event; @FILE reads a file, - reads stdin (default: {})")
	f.StringVar(&endpoint, "endpoint-url", envOr("COLDSTART_ENDPOINT_URL", "http://127.0.0.1:3001"), "Lambda API endpoint; empty for AWS itself (env COLDSTART_ENDPOINT_URL)")
	f.StringVar(&region, "region", "", "AWS region (default: from the AWS configuration, else us-east-1)")
	f.StringVar(&invocationType, "invocation-type", "RequestResponse", "RequestResponse, Event or DryRun")
	f.BoolVar(&showLog, "log", false, "print the whole log tail, not just the REPORT line")
	f.StringVarP(&templatePath, "template", "t", "", "start the local platform from this SAM template for this invoke, instead of calling --endpoint-url")
	addRuntimeFlag(f, &interpreters)
	f.StringVarP(&envVars, "env-vars", "n", "", "with --template: JSON file of environment variable overrides")
	return cmd
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func readPayloadFlag(v string, stdin io.Reader) ([]byte, error) {
	switch {
	case v == "-":
		return io.ReadAll(stdin)
	case strings.HasPrefix(v, "@"):
		b, err := os.ReadFile(v[1:])
		if err != nil {
			return nil, fmt.Errorf("payload: %w", err)
		}
		return b, nil
	}
	return []byte(v), nil
}

func explainInvokeError(err error, endpoint string) error {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("nothing is listening at %s: start 'coldstart serve' or pass --endpoint-url", endpoint)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return fmt.Errorf("%s: %s", ae.ErrorCode(), ae.ErrorMessage())
	}
	return err
}

func printInvoke(stdout, stderr io.Writer, out *lambda.InvokeOutput, showLog bool) error {
	if len(out.Payload) > 0 {
		stdout.Write(out.Payload)
		if !bytes.HasSuffix(out.Payload, []byte("\n")) {
			fmt.Fprintln(stdout)
		}
	}
	if out.LogResult != nil {
		tail, err := base64.StdEncoding.DecodeString(*out.LogResult)
		if err != nil {
			return fmt.Errorf("decode log tail: %w", err)
		}
		for _, line := range strings.Split(strings.TrimRight(string(tail), "\n"), "\n") {
			if showLog || strings.HasPrefix(line, reportlog.PrefixReport) {
				fmt.Fprintln(stderr, line)
			}
		}
	}
	if out.FunctionError != nil {
		return &exitError{code: 1, msg: "function error: " + *out.FunctionError}
	}
	return nil
}

// localFunctionName is the template's logical ID in FUNCTION, which may be
// name:qualifier or an ARN, as for 'aws lambda invoke'.
func localFunctionName(s string) string {
	if strings.HasPrefix(s, "arn:") {
		parts := strings.Split(s, ":")
		if len(parts) >= 7 {
			return parts[6]
		}
		return s
	}
	name, _, _ := strings.Cut(s, ":")
	return name
}
