package compare

import (
	"encoding/json"
	"io"
	"math"

	"github.com/coldstartlab/coldstart/internal/stats"
)

// JSON writes the table as one JSON object. Field names are stable; numbers
// that do not exist (a p-value without enough samples, an interval that
// could not be computed) are null, never made up. Changes are fractions
// (0.142 is +14.2%). Latencies are milliseconds, memory MB, cost USD.
//
//	{
//	  "base": {"label", "run", "scenario_hash", "target", "coldstart_version"},
//	  "new":  {…},
//	  "alpha": 0.05, "confidence": 0.95,
//	  "metrics": [{
//	    "metric": "cold.init", "unit": "ms",
//	    "rows": [{
//	      "variant", "memory_mb",
//	      "base": {"n", "median", "median_ci": [lo, hi] | null, "mean", "p90", "p95", "p99", "min", "max"},
//	      "new":  {…},
//	      "change": new/base−1 of the medians | null,
//	      "change_ci": [lo, hi] | null,
//	      "p": Mann-Whitney p-value | null,
//	      "significant": p < alpha,
//	      "warnings": ["…"]
//	    }],
//	    "geomean": {"base", "new", "change", "n"} | null
//	  }],
//	  "memory": [{"variant", "memory_mb", "base", "new", "change"}],
//	  "cost_cold_ratio": 0.01,
//	  "cost": [{"variant", "memory_mb", "base", "new", "change"}],
//	  "only_in_base": [{"variant", "memory_mb"}], "only_in_new": […],
//	  "warnings": ["…"]
//	}
func (t *Table) JSON(w io.Writer) error {
	out := jsonTable{
		Base:          side(t.BaseLabel, t.BaseRun.ID, t.BaseRun.ScenarioHash, t.BaseRun.Target.Kind, t.BaseRun.Version),
		New:           side(t.NewLabel, t.NewRun.ID, t.NewRun.ScenarioHash, t.NewRun.Target.Kind, t.NewRun.Version),
		Alpha:         t.Alpha,
		Confidence:    t.Confidence,
		Metrics:       []jsonSection{},
		Memory:        jsonDeltas(t.Memory),
		CostColdRatio: t.ColdRatio,
		Cost:          jsonDeltas(t.Cost),
		OnlyInBase:    jsonGroups(t.OnlyBase),
		OnlyInNew:     jsonGroups(t.OnlyNew),
		Warnings:      append([]string{}, t.Warnings...),
	}
	for i := range t.Sections {
		s := &t.Sections[i]
		js := jsonSection{Metric: string(s.Metric), Unit: "ms", Rows: []jsonRow{}}
		for j := range s.Rows {
			r := &s.Rows[j]
			js.Rows = append(js.Rows, jsonRow{
				Variant: r.Variant, MemoryMB: r.MemoryMB,
				Base: summary(r.Base), New: summary(r.New),
				Change:      num(r.Change()),
				ChangeCI:    interval(stats.Interval{Lo: r.Comparison.RatioCI.Lo - 1, Hi: r.Comparison.RatioCI.Hi - 1, OK: r.Comparison.RatioCI.OK}),
				P:           num(r.Comparison.P),
				Significant: r.Significant,
				Warnings:    append([]string{}, r.Comparison.Warnings...),
			})
		}
		if g := s.Geomean; g != nil {
			js.Geomean = &jsonGeomean{Base: g.Base, New: g.New, Change: g.Change(), N: g.N}
		}
		out.Metrics = append(out.Metrics, js)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

type jsonTable struct {
	Base          jsonSide      `json:"base"`
	New           jsonSide      `json:"new"`
	Alpha         float64       `json:"alpha"`
	Confidence    float64       `json:"confidence"`
	Metrics       []jsonSection `json:"metrics"`
	Memory        []jsonDelta   `json:"memory"`
	CostColdRatio float64       `json:"cost_cold_ratio"`
	Cost          []jsonDelta   `json:"cost"`
	OnlyInBase    []jsonGroup   `json:"only_in_base"`
	OnlyInNew     []jsonGroup   `json:"only_in_new"`
	Warnings      []string      `json:"warnings"`
}

type jsonSide struct {
	Label        string `json:"label"`
	Run          string `json:"run"`
	ScenarioHash string `json:"scenario_hash"`
	Target       string `json:"target"`
	Version      string `json:"coldstart_version"`
}

func side(label, run, hash, target, version string) jsonSide {
	return jsonSide{Label: label, Run: run, ScenarioHash: hash, Target: target, Version: version}
}

type jsonSection struct {
	Metric  string       `json:"metric"`
	Unit    string       `json:"unit"`
	Rows    []jsonRow    `json:"rows"`
	Geomean *jsonGeomean `json:"geomean"`
}

type jsonRow struct {
	Variant     string      `json:"variant"`
	MemoryMB    int         `json:"memory_mb"`
	Base        jsonSummary `json:"base"`
	New         jsonSummary `json:"new"`
	Change      *float64    `json:"change"`
	ChangeCI    *[2]float64 `json:"change_ci"`
	P           *float64    `json:"p"`
	Significant bool        `json:"significant"`
	Warnings    []string    `json:"warnings"`
}

type jsonSummary struct {
	N        int         `json:"n"`
	Median   *float64    `json:"median"`
	MedianCI *[2]float64 `json:"median_ci"`
	Mean     *float64    `json:"mean"`
	P90      *float64    `json:"p90"`
	P95      *float64    `json:"p95"`
	P99      *float64    `json:"p99"`
	Min      *float64    `json:"min"`
	Max      *float64    `json:"max"`
}

func summary(s stats.Summary) jsonSummary {
	return jsonSummary{N: s.N, Median: num(s.Median), MedianCI: interval(s.MedianCI),
		Mean: num(s.Mean), P90: num(s.P90), P95: num(s.P95), P99: num(s.P99), Min: num(s.Min), Max: num(s.Max)}
}

type jsonGeomean struct {
	Base   float64 `json:"base"`
	New    float64 `json:"new"`
	Change float64 `json:"change"`
	N      int     `json:"n"`
}

type jsonDelta struct {
	Variant  string   `json:"variant"`
	MemoryMB int      `json:"memory_mb"`
	Base     float64  `json:"base"`
	New      float64  `json:"new"`
	Change   *float64 `json:"change"`
}

func jsonDeltas(ds []Delta) []jsonDelta {
	out := []jsonDelta{}
	for _, d := range ds {
		out = append(out, jsonDelta{Variant: d.Variant, MemoryMB: d.MemoryMB, Base: d.Base, New: d.New, Change: num(d.Change())})
	}
	return out
}

type jsonGroup struct {
	Variant  string `json:"variant"`
	MemoryMB int    `json:"memory_mb"`
}

func jsonGroups(ks []GroupKey) []jsonGroup {
	out := []jsonGroup{}
	for _, k := range ks {
		out = append(out, jsonGroup{k.Variant, k.MemoryMB})
	}
	return out
}

// num is nil for values JSON cannot carry (NaN, ±Inf).
func num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func interval(iv stats.Interval) *[2]float64 {
	if !iv.OK || num(iv.Lo) == nil || num(iv.Hi) == nil {
		return nil
	}
	return &[2]float64{iv.Lo, iv.Hi}
}
