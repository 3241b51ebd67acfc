package report

import (
	"encoding/json"
	"io"
	"math"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/cost"
)

// JSONSchema names the JSON report's format; it changes only with a new
// version (docs/report-json.md).
const JSONSchema = "coldstart.report/v1"

type jsonReport struct {
	Schema    string        `json:"schema"`
	Run       jsonRun       `json:"run"`
	Pricing   jsonPricing   `json:"pricing"`
	ColdRatio float64       `json:"cold_ratio"`
	Groups    []jsonGroup   `json:"groups"`
	Rows      []jsonRow     `json:"rows"`
	Findings  []jsonFinding `json:"findings"`
	Warnings  []string      `json:"warnings"`
}

type jsonRun struct {
	ID           string              `json:"id"`
	Started      time.Time           `json:"started"`
	ScenarioPath string              `json:"scenario_path"`
	ScenarioHash string              `json:"scenario_hash"`
	Target       bench.TargetInfo    `json:"target"`
	Host         bench.Host          `json:"host"`
	Version      string              `json:"coldstart_version"`
	Variants     []bench.VariantInfo `json:"variants"`
}

type jsonPricing struct {
	Region         string  `json:"region"`
	X86PerGBSecond float64 `json:"x86_64_per_gb_second_usd"`
	ARMPerGBSecond float64 `json:"arm64_per_gb_second_usd"`
	PerRequest     float64 `json:"per_request_usd"`
	MBPerGB        float64 `json:"mb_per_gb"`
}

type jsonGroup struct {
	Variant      string           `json:"variant"`
	MemoryMB     int              `json:"memory_mb"`
	Arch         string           `json:"arch"`
	PackageBytes int64            `json:"package_bytes"`
	PackageFiles int              `json:"package_files"`
	Invokes      int              `json:"invokes"`
	Failed       int              `json:"failed"`
	NotCold      int              `json:"not_cold"`
	MaxMemoryMB  int              `json:"max_memory_mb"`
	ColdBilledMS float64          `json:"cold_billed_ms"`
	WarmBilledMS float64          `json:"warm_billed_ms"`
	CostPer1M    float64          `json:"cost_per_1m_usd"`
	Monthly      []cost.Breakdown `json:"monthly"`
}

// jsonRow is Row with null for missing confidence bounds.
type jsonRow struct {
	Row
	MeanCILo   *float64 `json:"mean_ci_lo_ms"`
	MeanCIHi   *float64 `json:"mean_ci_hi_ms"`
	MedianCILo *float64 `json:"median_ci_lo_ms"`
	MedianCIHi *float64 `json:"median_ci_hi_ms"`
}

type jsonFinding struct {
	Kind        string     `json:"kind"`
	Text        string     `json:"text"`
	Ratio       *float64   `json:"ratio,omitempty"`
	RatioCI     []*float64 `json:"ratio_ci,omitempty"`
	P           *float64   `json:"p,omitempty"`
	Significant *bool      `json:"significant,omitempty"`
}

// JSON writes the whole model: run metadata, pricing, groups, one row per
// group × metric, findings and warnings (docs/report-json.md).
func (m *Model) JSON(w io.Writer) error {
	r := jsonReport{
		Schema: JSONSchema, ColdRatio: m.ColdRatio, Warnings: append([]string{}, m.Warnings...),
		Run: jsonRun{ID: m.Run.ID, Started: m.Run.Started, ScenarioPath: m.Run.ScenarioPath, ScenarioHash: m.Run.ScenarioHash,
			Target: m.Run.Target, Host: m.Run.Host, Version: m.Run.Version, Variants: m.Run.Variants},
		Pricing: jsonPricing{Region: m.Pricing.Region, X86PerGBSecond: m.Pricing.PerGBSecond[cost.X86],
			ARMPerGBSecond: m.Pricing.PerGBSecond[cost.ARM], PerRequest: m.Pricing.PerRequest, MBPerGB: m.Pricing.MBPerGB},
		Groups: []jsonGroup{}, Rows: []jsonRow{}, Findings: []jsonFinding{},
	}
	for _, g := range m.Groups {
		r.Groups = append(r.Groups, jsonGroup{Variant: g.Variant, MemoryMB: g.MemoryMB, Arch: g.Arch,
			PackageBytes: g.PackageBytes, PackageFiles: g.PackageFiles, Invokes: g.Invokes, Failed: g.Failed,
			NotCold: g.NotCold, MaxMemoryMB: g.MaxMemoryMB, ColdBilledMS: g.ColdBilledMS, WarmBilledMS: g.WarmBilledMS,
			CostPer1M: g.CostPer1M, Monthly: g.Monthly})
	}
	for _, row := range m.Rows() {
		r.Rows = append(r.Rows, jsonRow{Row: row, MeanCILo: ptr(row.MeanCILo), MeanCIHi: ptr(row.MeanCIHi),
			MedianCILo: ptr(row.MedianCILo), MedianCIHi: ptr(row.MedianCIHi)})
	}
	for _, f := range m.Findings {
		jf := jsonFinding{Kind: f.Kind, Text: f.Text}
		if c := f.Comparison; c != nil {
			jf.Ratio, jf.P = ptr(c.Ratio), ptr(c.P)
			sig := c.Significant
			jf.Significant = &sig
			if c.RatioCI.OK {
				jf.RatioCI = []*float64{ptr(c.RatioCI.Lo), ptr(c.RatioCI.Hi)}
			}
		}
		r.Findings = append(r.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ptr turns NaN and infinities (which JSON cannot carry) into null.
func ptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
