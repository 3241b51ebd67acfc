package reportlog

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Line prefixes, as Lambda prints them.
const (
	PrefixInitStart  = "INIT_START "
	PrefixInitReport = "INIT_REPORT "
	PrefixStart      = "START "
	PrefixEnd        = "END "
	PrefixReport     = "REPORT "
)

// Status values carried by REPORT and INIT_REPORT lines; success has none.
const (
	StatusTimeout = "timeout"
	StatusError   = "error"
)

// Phase values of INIT_REPORT lines.
const (
	PhaseInit   = "init"   // the init phase of a new environment
	PhaseInvoke = "invoke" // init re-run inside an invoke after a failed or reset init
)

// Start formats `START RequestId: <id> Version: <version>`.
func Start(requestID, version string) string {
	return PrefixStart + "RequestId: " + requestID + " Version: " + version
}

// End formats `END RequestId: <id>`.
func End(requestID string) string {
	return PrefixEnd + "RequestId: " + requestID
}

// InitStart formats `INIT_START Runtime Version: <v>\tRuntime Version ARN: <arn>`.
func InitStart(runtimeVersion, runtimeVersionARN string) string {
	return PrefixInitStart + "Runtime Version: " + runtimeVersion + "\tRuntime Version ARN: " + runtimeVersionARN
}

// Millis converts d to milliseconds as Lambda reports them (fractional).
func Millis(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}

// FromMillis converts fractional milliseconds back to a Duration.
func FromMillis(ms float64) time.Duration {
	return time.Duration(math.Round(ms * float64(time.Millisecond)))
}

// BilledMS is Lambda's Billed Duration: the sum of Duration and the billed
// init, rounded up to a whole millisecond. Init is billed for custom runtimes
// always and for managed runtimes since August 2025, so callers pass the
// init they bill (zero when none).
func BilledMS(duration, init time.Duration) int64 {
	total := duration + init
	ms := int64(total / time.Millisecond)
	if total%time.Millisecond != 0 {
		ms++
	}
	return ms
}

// MB converts bytes to whole megabytes (MiB) for Max Memory Used, rounding up
// so a running environment never reports 0 MB.
func MB(bytes uint64) int {
	return int((bytes + (1<<20 - 1)) >> 20)
}

func formatMS(ms float64) string {
	return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
}

func parseMS(v string) (float64, error) {
	num, ok := cutSuffix(v, " ms")
	if !ok {
		return 0, fmt.Errorf("%q: want a value in ms", v)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, fmt.Errorf("%q: not a duration in ms", v)
	}
	return f, nil
}

func parseInt(v, unit string) (int64, error) {
	num, ok := cutSuffix(v, unit)
	if !ok {
		return 0, fmt.Errorf("%q: want a value in%s", v, unit)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q: not a whole number", v)
	}
	return n, nil
}

func cutSuffix(s, suffix string) (string, bool) {
	if len(s) < len(suffix) || s[len(s)-len(suffix):] != suffix {
		return s, false
	}
	return s[:len(s)-len(suffix)], true
}
