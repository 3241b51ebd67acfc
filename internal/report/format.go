package report

import (
	"fmt"
	"math"
)

// Millis formats milliseconds with a unit chosen for the size, as benchstat
// does: µs below a millisecond, s from ten seconds. Each bound is where the
// smaller unit's rounding would reach it (0.9996 ms is 1.00 ms, not 1000 µs).
func Millis(ms float64) string {
	switch {
	case math.IsNaN(ms):
		return "–"
	case ms < 0.9995:
		return fmt.Sprintf("%.0f µs", ms*1000)
	case ms < 9.995:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 999.95:
		return fmt.Sprintf("%.1f ms", ms)
	case ms < 9999.5:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f s", ms/1000)
}

// Bytes formats a size in KB or MB.
func Bytes(n int64) string {
	switch {
	case n >= 1<<20-1<<9: // rounds to 1024 KB: say 1.0 MB
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Dollars formats a cost with enough digits to tell small costs apart.
func Dollars(usd float64) string {
	switch {
	case usd == 0:
		return "$0"
	case usd < 0.01:
		return fmt.Sprintf("$%.4f", usd)
	case usd < 100:
		return fmt.Sprintf("$%.2f", usd)
	}
	return fmt.Sprintf("$%.0f", usd)
}

// bar draws a Unicode bar of v relative to max, width cells wide.
func bar(v, max float64, width int) string {
	if !(max > 0) || !(v > 0) { // negated so that NaN draws nothing
		return ""
	}
	eighths := int(math.Round(v / max * float64(width*8)))
	if eighths < 1 {
		eighths = 1
	}
	blocks := []rune(" ▏▎▍▌▋▊▉")
	s := make([]rune, 0, width)
	for eighths >= 8 {
		s = append(s, '█')
		eighths -= 8
	}
	if eighths > 0 {
		s = append(s, blocks[eighths])
	}
	return string(s)
}
