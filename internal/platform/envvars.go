package platform

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Lambda's environment variable rules (lambda-spec.md §2): the template and
// the control plane both check them here, so whatever runs locally would
// also be accepted by Lambda.
const (
	maxEnvBytes = 4096
	reservedMsg = "Lambda was unable to configure your environment variables because the environment variables " +
		"you have provided contains reserved keys that are currently not supported for modification. " +
		"Reserved keys used in this request: "
)

// envKey is the API model's pattern for variable names. Note: it needs at
// least two characters, so "A" is rejected, as Lambda does.
var envKeyRE = regexp.MustCompile(`^[a-zA-Z]([a-zA-Z0-9_])+$`)

// reservedKeys are set by Lambda itself; CreateFunction rejects them. Lambda
// lists the offenders joined by ", " (obs); we sort them to be deterministic.
var reservedKeys = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_REGION": true, "AWS_DEFAULT_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true,
	"AWS_LAMBDA_LOG_GROUP_NAME": true, "AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true,
	"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true,
	"AWS_LAMBDA_RUNTIME_API": true, "LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// ValidateEnvironment checks a function's whole environment the way Lambda
// does: names first (the API model's check), then reserved keys, then total
// size. It returns the offending key ("" when the problem is not one key),
// so a caller can point at its line, and an error worded as Lambda words it.
func ValidateEnvironment(env map[string]string) (string, error) {
	keys := make([]string, 0, len(env))
	size := 0
	for k, v := range env {
		keys = append(keys, k)
		size += len(k) + len(v)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !envKeyRE.MatchString(k) {
			return k, fmt.Errorf("environment variable name %q must match [a-zA-Z]([a-zA-Z0-9_])+", k)
		}
	}
	var reserved []string
	for _, k := range keys {
		if reservedKeys[k] {
			reserved = append(reserved, k)
		}
	}
	if len(reserved) > 0 {
		return reserved[0], fmt.Errorf("%s%s", reservedMsg, strings.Join(reserved, ", "))
	}
	if size > maxEnvBytes {
		return "", fmt.Errorf("environment variables are %d bytes (keys + values), over Lambda's 4 KB limit (%d)", size, maxEnvBytes)
	}
	return "", nil
}
