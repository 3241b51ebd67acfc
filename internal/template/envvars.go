package template

import "github.com/coldstartlab/coldstart/internal/platform"

// checkEnv applies Lambda's environment variable rules, which live with the
// platform's other limits.
func checkEnv(env map[string]string) (string, error) { return platform.ValidateEnvironment(env) }
