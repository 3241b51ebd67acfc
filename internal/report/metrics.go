package report

import "github.com/coldstartlab/coldstart/internal/stats"

// Metric names a series of one group, as reports, CSV/JSON rows and
// `compare --fail-if` expressions call it.
type Metric string

// The metrics of a group.
const (
	MetricColdInit     Metric = "cold.init"     // Init Duration of verified cold starts (ms)
	MetricFirstInvoke  Metric = "cold.first"    // Duration of the invokes that started cold (ms)
	MetricColdClient   Metric = "cold.client"   // client-observed latency of cold invokes (ms)
	MetricWarmDuration Metric = "warm.duration" // Duration of measured warm invokes (ms)
	MetricWarmClient   Metric = "warm.client"   // client-observed latency of warm invokes (ms)
	MetricLoadLatency  Metric = "load.latency"  // latency from intended send time under load (ms)
	MetricBurstLatency Metric = "burst.latency" // client-observed latency of bursts (ms)
)

// Metrics lists every metric in report order.
var Metrics = []Metric{MetricColdInit, MetricFirstInvoke, MetricColdClient, MetricWarmDuration,
	MetricWarmClient, MetricLoadLatency, MetricBurstLatency}

// Series returns a metric's raw samples (milliseconds), in recording order.
func (g *Group) Series(m Metric) []float64 {
	switch m {
	case MetricColdInit:
		return g.initMS
	case MetricFirstInvoke:
		return g.firstMS
	case MetricColdClient:
		return g.coldClientMS
	case MetricWarmDuration:
		return g.warmMS
	case MetricWarmClient:
		return g.warmClientMS
	case MetricLoadLatency:
		return g.loadMS
	case MetricBurstLatency:
		return g.burstMS
	}
	return nil
}

// Summary returns a metric's statistics.
func (g *Group) Summary(m Metric) stats.Summary {
	switch m {
	case MetricColdInit:
		return g.Cold
	case MetricFirstInvoke:
		return g.FirstInvoke
	case MetricColdClient:
		return g.ColdClient
	case MetricWarmDuration:
		return g.Warm
	case MetricWarmClient:
		return g.WarmClient
	case MetricLoadLatency:
		return g.Load
	case MetricBurstLatency:
		return g.Burst
	}
	return stats.Summary{}
}
