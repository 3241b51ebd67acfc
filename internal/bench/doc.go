// Package bench runs benchmark scenarios: it validates a scenario file,
// expands it into a plan (variants × memory sizes × phases), drives each
// phase (cold, warm, load, burst) against a Target, and streams one Sample
// per invocation to a JSONL file that a later run can resume.
//
// Function failures, throttles and timeouts are data on the Sample; a Go
// error means the machinery failed. bench knows targets only through the
// Target interface; it must not import platform, lambdaapi or the targets.
package bench
