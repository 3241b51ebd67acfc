package compare

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/coldstartlab/coldstart/internal/report"
)

// Pseudo-metrics a condition can name besides report.Metrics: figures of a
// group that have no distribution, so conditions on them take no statistic
// and no significance test.
const (
	MetricMemory report.Metric = "memory" // Max Memory Used, MB
	MetricCost   report.Metric = "cost"   // cost per 1M invokes, USD
)

// aliases are the short metric names of conditions.
var aliases = []struct {
	name   string
	metric report.Metric
}{
	{"cold", report.MetricColdInit},
	{"warm", report.MetricWarmDuration},
	{"first", report.MetricFirstInvoke},
	{"load", report.MetricLoadLatency},
	{"burst", report.MetricBurstLatency},
}

// Stat is the statistic of a metric a condition compares.
type Stat string

// The statistics; "median" is read as StatP50.
const (
	StatP50  Stat = "p50"
	StatMean Stat = "mean"
	StatP90  Stat = "p90"
	StatP95  Stat = "p95"
	StatP99  Stat = "p99"
	StatMax  Stat = "max"
	StatMin  Stat = "min"
)

var statNames = []string{"p50", "median", "mean", "p90", "p95", "p99", "max", "min"}

// Op is a condition's direction.
type Op string

// The directions: OpAbove fails on an increase beyond the threshold (a
// regression of a latency), OpBelow on a decrease beyond it.
const (
	OpAbove Op = ">"
	OpBelow Op = "<"
)

// Condition is one parsed --fail-if expression.
type Condition struct {
	Text   string        // as written
	Metric report.Metric // one of report.Metrics, MetricMemory or MetricCost
	Stat   Stat          // "" for MetricMemory and MetricCost
	Op     Op
	// Relative says Threshold is a fraction of the base value (0.10 for
	// +10%); otherwise it is an amount in the metric's unit: milliseconds,
	// MB (memory) or USD (cost).
	Relative  bool
	Threshold float64
}

// String is the condition in canonical form, e.g. "cold.init.p50>+10%";
// ParseCondition reads it back to the same Condition (but Text), the
// threshold to ten significant digits.
func (c Condition) String() string {
	lhs := string(c.Metric)
	if c.Stat != "" {
		lhs += "." + string(c.Stat)
	}
	return lhs + string(c.Op) + c.threshold(false)
}

// threshold formats the threshold; human adds a space before units
// ("+2 ms") for sentences.
func (c Condition) threshold(human bool) string {
	v := c.Threshold
	sign := "+"
	if v < 0 || (v == 0 && math.Signbit(v)) {
		sign, v = "-", -v
	}
	sp := ""
	if human {
		sp = " "
	}
	switch {
	case c.Relative:
		return sign + plain(v*100) + "%"
	case c.Metric == MetricMemory:
		return sign + plain(v) + sp + "MB"
	case c.Metric == MetricCost:
		return sign + "$" + plain(v)
	case v != 0 && v < 1:
		unit := "us"
		if human {
			unit = "µs"
		}
		return sign + plain(v*1000) + sp + unit
	}
	return sign + plain(v) + sp + "ms"
}

// plain formats v without an exponent (the grammar has none), rounded to
// ten significant digits so that 0.07*100 prints as 7, not 7.000000000000001.
func plain(v float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 10, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// ParseCondition reads a condition:
//
//	<metric>.<stat> <op> <threshold>
//
// metric is a report.Metrics name (cold.init, warm.duration, …) or an alias:
// cold (cold.init), warm (warm.duration), first (cold.first), load
// (load.latency), burst (burst.latency); or memory or cost, which take no
// statistic. stat is p50 (or median), mean, p90, p95, p99, max or min. op is
// > (fail on an increase beyond the threshold) or < (fail on a decrease
// beyond it). threshold is a percentage of the base value (+10%), or an
// amount: +2ms, +500us, +1s for latencies, +5MB for memory, +0.01 (or
// +$0.01) dollars for cost. A threshold without a sign takes the op's
// direction: >10% is +10%, <10% is -10%. Spaces are allowed around op;
// names and units are case-insensitive.
func ParseCondition(s string) (Condition, error) {
	c := Condition{Text: s}
	fail := func(format string, args ...any) (Condition, error) {
		return Condition{}, fmt.Errorf("bad condition %q: %s", s, fmt.Sprintf(format, args...))
	}
	expr := strings.TrimSpace(s)
	if expr == "" {
		return Condition{}, fmt.Errorf("empty condition: want <metric>.<stat> > <threshold>, e.g. cold.p50>+10%%")
	}
	i := strings.IndexAny(expr, "<>")
	if i < 0 {
		return fail("no > or <: want <metric>.<stat> > <threshold>, e.g. cold.p50>+10%%")
	}
	lhs, rhs := strings.ToLower(strings.TrimSpace(expr[:i])), strings.TrimSpace(expr[i+1:])
	c.Op = Op(expr[i : i+1])
	if strings.HasPrefix(rhs, "=") {
		return fail("%s= is not supported: use %s", c.Op, c.Op)
	}
	if strings.ContainsAny(rhs, "<>") {
		return fail("more than one comparison")
	}
	if lhs == "" {
		return fail("no metric before %s", c.Op)
	}
	if rhs == "" {
		return fail("no threshold after %s", c.Op)
	}
	var err error
	if c.Metric, c.Stat, err = parseLHS(lhs); err != nil {
		return fail("%v", err)
	}
	if c.Relative, c.Threshold, err = parseThreshold(rhs, c.Metric, c.Op); err != nil {
		return fail("%v", err)
	}
	return c, nil
}

func lookupMetric(name string) (report.Metric, bool) {
	for _, a := range aliases {
		if a.name == name {
			return a.metric, true
		}
	}
	for _, m := range append(report.Metrics[:len(report.Metrics):len(report.Metrics)], MetricMemory, MetricCost) {
		if string(m) == name {
			return m, true
		}
	}
	return "", false
}

func knownMetrics() string {
	var names []string
	for _, a := range aliases {
		names = append(names, a.name)
	}
	names = append(names, string(MetricMemory), string(MetricCost))
	for _, m := range report.Metrics {
		names = append(names, string(m))
	}
	return strings.Join(names, ", ")
}

func lookupStat(name string) (Stat, bool) {
	switch name {
	case "median", "p50":
		return StatP50, true
	case "mean", "p90", "p95", "p99", "max", "min":
		return Stat(name), true
	}
	return "", false
}

func noStat(m report.Metric) bool { return m == MetricMemory || m == MetricCost }

func parseLHS(lhs string) (report.Metric, Stat, error) {
	if m, ok := lookupMetric(lhs); ok {
		if noStat(m) {
			return m, "", nil
		}
		return "", "", fmt.Errorf("%s needs a statistic, e.g. %s.p50 (one of %s)", lhs, lhs, strings.Join(statNames, ", "))
	}
	dot := strings.LastIndexByte(lhs, '.')
	if dot < 0 {
		return "", "", fmt.Errorf("unknown metric %q; known: %s", lhs, knownMetrics())
	}
	name, stat := lhs[:dot], lhs[dot+1:]
	m, ok := lookupMetric(name)
	if !ok {
		return "", "", fmt.Errorf("unknown metric %q; known: %s", name, knownMetrics())
	}
	if noStat(m) {
		return "", "", fmt.Errorf("%s takes no statistic: write %s>… without .%s", name, name, stat)
	}
	st, ok := lookupStat(stat)
	if !ok {
		return "", "", fmt.Errorf("unknown statistic %q of %s; known: %s", stat, name, strings.Join(statNames, ", "))
	}
	return m, st, nil
}

// latencyUnits are the units of absolute latency thresholds, in milliseconds.
var latencyUnits = map[string]float64{"ms": 1, "us": 1e-3, "µs": 1e-3, "μs": 1e-3, "s": 1000}

func parseThreshold(rhs string, m report.Metric, op Op) (relative bool, v float64, err error) {
	body := strings.ReplaceAll(rhs, " ", "")
	sign := 1.0
	if op == OpBelow {
		sign = -1
	}
	switch {
	case strings.HasPrefix(body, "+"):
		sign, body = 1, body[1:]
	case strings.HasPrefix(body, "-"):
		sign, body = -1, body[1:]
	}
	dollar := strings.HasPrefix(body, "$")
	body = strings.TrimPrefix(body, "$")
	end := strings.IndexFunc(body, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	if end < 0 {
		end = len(body)
	}
	num, unit := body[:end], body[end:]
	x, perr := strconv.ParseFloat(num, 64)
	if num == "" || perr != nil {
		return false, 0, fmt.Errorf("threshold %q is not a number: want e.g. +10%%, %s", rhs, amountExample(m))
	}
	if dollar && (m != MetricCost || unit != "") {
		return false, 0, fmt.Errorf("threshold %q: $ is only for cost", rhs)
	}
	written := unit
	unit = strings.ToLower(unit)
	if unit == "%" {
		return true, sign * x / 100, nil
	}
	switch m {
	case MetricMemory:
		if unit == "mb" {
			return false, sign * x, nil
		}
	case MetricCost:
		if unit == "" {
			return false, sign * x, nil
		}
	default:
		if f, ok := latencyUnits[unit]; ok {
			return false, sign * x * f, nil
		}
	}
	if unit == "" {
		return false, 0, fmt.Errorf("threshold %q needs a unit: %% or %s", rhs, unitNames(m))
	}
	return false, 0, fmt.Errorf("unit %q does not fit %s: use %% or %s", written, m, unitNames(m))
}

func unitNames(m report.Metric) string {
	switch m {
	case MetricMemory:
		return "MB"
	case MetricCost:
		return "dollars (+0.01)"
	}
	return "ms, us or s"
}

func amountExample(m report.Metric) string {
	switch m {
	case MetricMemory:
		return "+5MB"
	case MetricCost:
		return "+0.01"
	}
	return "+2ms"
}
