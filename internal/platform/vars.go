package platform

import (
	"os"
	"sort"
	"strconv"
	"strings"
)

// Lambda's PATH and LD_LIBRARY_PATH (lambda-spec.md §2). Locally the task
// root is the code directory, and the host's PATH is appended so the
// interpreters on this machine are found.
const (
	lambdaPath          = "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin"
	lambdaLibPathPrefix = "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib"
)

// environ is the runtime process's complete environment: Lambda's variables,
// then the function's own (which may override TZ, LANG, PATH and the like,
// as on Lambda). Nothing leaks in from the host except PATH entries and
// credentials given with WithCredentials.
func (e *environment) environ() []string {
	cfg := &e.cfg
	p := e.p
	task := cfg.CodeDir
	vars := map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          e.addr,
		"_HANDLER":                        cfg.Handler,
		"AWS_LAMBDA_FUNCTION_NAME":        cfg.Name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(cfg.MemoryMB),
		"AWS_LAMBDA_FUNCTION_VERSION":     VersionLatest,
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + cfg.Name,
		"AWS_LAMBDA_LOG_STREAM_NAME":      e.stream,
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_REGION":                      p.region,
		"AWS_DEFAULT_REGION":              p.region,
		"LAMBDA_TASK_ROOT":                task,
		// provided runtimes keep nothing in /var/runtime; point at the code.
		"LAMBDA_RUNTIME_DIR": task,
		"TZ":                 ":UTC",
		"LANG":               "en_US.UTF-8",
		"PATH":               withHostPath(lambdaPath, os.Getenv("PATH")),
		"LD_LIBRARY_PATH":    lambdaLibPathPrefix + ":" + task + ":" + task + "/lib:/opt/lib",
		// X-Ray stays on loopback: nothing here may leave the machine.
		"AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
		"AWS_XRAY_DAEMON_ADDRESS":  "127.0.0.1:2000",
		"_AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1",
		"_AWS_XRAY_DAEMON_PORT":    "2000",
	}
	if !strings.HasPrefix(cfg.Runtime, "provided") {
		vars["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + cfg.Runtime
	}
	if m := cfg.Managed; m != nil {
		vars["LAMBDA_RUNTIME_DIR"] = m.Dir
		for k, v := range m.Env {
			vars[k] = v
		}
	}
	for k, v := range p.credentials {
		if v != "" {
			vars[k] = v
		}
	}
	for k, v := range cfg.Environment {
		vars[k] = v
	}
	out := make([]string, 0, len(vars))
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// withHostPath appends the host's PATH entries that base lacks.
func withHostPath(base, host string) string {
	have := map[string]bool{}
	for _, d := range strings.Split(base, ":") {
		have[strings.TrimSuffix(d, "/")] = true
	}
	out := base
	for _, d := range strings.Split(host, ":") {
		if d != "" && !have[strings.TrimSuffix(d, "/")] {
			have[strings.TrimSuffix(d, "/")] = true
			out += ":" + d
		}
	}
	return out
}
