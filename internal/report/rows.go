package report

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"

	"github.com/coldstartlab/coldstart/internal/stats"
)

// Row is one variant × memory size × metric with every statistic: what the
// CSV and JSON formats carry. Times are in milliseconds; a confidence bound
// is NaN (empty in CSV, null in JSON) when there were too few samples.
type Row struct {
	Variant      string  `json:"variant"`
	MemoryMB     int     `json:"memory_mb"`
	Arch         string  `json:"arch"`
	Metric       Metric  `json:"metric"`
	N            int     `json:"n"`
	Min          float64 `json:"min_ms"`
	Mean         float64 `json:"mean_ms"`
	MeanCILo     float64 `json:"mean_ci_lo_ms"`
	MeanCIHi     float64 `json:"mean_ci_hi_ms"`
	Median       float64 `json:"median_ms"`
	MedianCILo   float64 `json:"median_ci_lo_ms"`
	MedianCIHi   float64 `json:"median_ci_hi_ms"`
	P90          float64 `json:"p90_ms"`
	P95          float64 `json:"p95_ms"`
	P99          float64 `json:"p99_ms"`
	Max          float64 `json:"max_ms"`
	StdDev       float64 `json:"stddev_ms"`
	Outliers     int     `json:"outliers"`
	MaxMemoryMB  int     `json:"max_memory_mb"`
	CostPer1MUSD float64 `json:"cost_per_1m_usd"`
}

// Rows lists every group's metrics that have samples, groups in model order
// and metrics in Metrics order: a stable order for diffs and dashboards.
func (m *Model) Rows() []Row {
	var out []Row
	for i := range m.Groups {
		g := &m.Groups[i]
		for _, metric := range Metrics {
			s := g.Summary(metric)
			if s.N == 0 {
				continue
			}
			out = append(out, Row{
				Variant: g.Variant, MemoryMB: g.MemoryMB, Arch: g.Arch, Metric: metric, N: s.N,
				Min: s.Min, Mean: s.Mean, Median: s.Median, P90: s.P90, P95: s.P95, P99: s.P99, Max: s.Max,
				StdDev: s.StdDev, Outliers: len(s.Outliers),
				MeanCILo: lo(s.MeanCI), MeanCIHi: hi(s.MeanCI), MedianCILo: lo(s.MedianCI), MedianCIHi: hi(s.MedianCI),
				MaxMemoryMB: g.MaxMemoryMB, CostPer1MUSD: g.CostPer1M,
			})
		}
	}
	return out
}

func lo(i stats.Interval) float64 {
	if !i.OK {
		return math.NaN()
	}
	return i.Lo
}

func hi(i stats.Interval) float64 {
	if !i.OK {
		return math.NaN()
	}
	return i.Hi
}

var csvHeader = []string{"variant", "memory_mb", "arch", "metric", "n", "min_ms", "mean_ms", "mean_ci_lo_ms", "mean_ci_hi_ms",
	"median_ms", "median_ci_lo_ms", "median_ci_hi_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms", "stddev_ms", "outliers",
	"max_memory_mb", "cost_per_1m_usd"}

// CSV writes Rows with a header line; the columns are those of Row's JSON.
func (m *Model) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(csvHeader)
	for _, r := range m.Rows() {
		_ = cw.Write([]string{r.Variant, strconv.Itoa(r.MemoryMB), r.Arch, string(r.Metric), strconv.Itoa(r.N),
			num(r.Min), num(r.Mean), num(r.MeanCILo), num(r.MeanCIHi), num(r.Median), num(r.MedianCILo), num(r.MedianCIHi),
			num(r.P90), num(r.P95), num(r.P99), num(r.Max), num(r.StdDev), strconv.Itoa(r.Outliers),
			strconv.Itoa(r.MaxMemoryMB), strconv.FormatFloat(r.CostPer1MUSD, 'f', 6, 64)})
	}
	cw.Flush()
	return cw.Error()
}

// num prints milliseconds with microsecond resolution; NaN is empty.
func num(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}
