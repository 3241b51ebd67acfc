package report

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/cost"
	"github.com/coldstartlab/coldstart/internal/stats"
)

// Model is everything a report says.
type Model struct {
	Run       bench.Run
	Groups    []Group   // one per variant × memory size, in plan order
	Findings  []Finding // comparisons between variants, and memory-sweep verdicts
	Warnings  []string
	ColdRatio float64 // the cold-start share cost figures assume
	Pricing   cost.Pricing
}

// Group is one variant at one memory size.
type Group struct {
	Variant      string
	Arch         string
	MemoryMB     int
	PackageBytes int64
	PackageFiles int

	Cold        stats.Summary // Init Duration (ms) of verified cold starts
	NotCold     int           // cold-phase invokes that found a warm environment
	FirstInvoke stats.Summary // Duration (ms) of the invokes that started cold
	ColdClient  stats.Summary // client-observed latency (ms) of cold invokes
	Warm        stats.Summary // Duration (ms) of measured warm invokes
	WarmClient  stats.Summary // client-observed latency (ms) of warm invokes
	Load        stats.Summary // latency (ms) from intended send time, load phases
	Burst       stats.Summary // client-observed latency (ms), burst phases

	Invokes, Failed int
	MaxMemoryMB     int
	ColdBilledMS    float64 // mean Billed Duration of cold invokes
	WarmBilledMS    float64 // mean Billed Duration of warm invokes
	CostPer1M       float64 // USD per million invokes at Model.ColdRatio
	Monthly         []cost.Breakdown

	// Raw series, kept for comparisons between groups.
	initMS, warmMS                                       []float64
	firstMS, coldClientMS, warmClientMS, loadMS, burstMS []float64
	coldBilled, warmBilled                               []float64
	loadIntended                                         []time.Time
	loadAt                                               []float64 // seconds from the group's first intended load request
}

// HasCold says whether the group measured cold starts.
func (g *Group) HasCold() bool { return g.Cold.N > 0 }

// Label is "variant @ 512 MB".
func (g *Group) Label() string { return fmt.Sprintf("%s @ %d MB", g.Variant, g.MemoryMB) }

// Finding is one comparison or verdict, stated as a sentence with its numbers.
type Finding struct {
	Kind       string // "cold", "warm", "memory"
	Text       string
	Comparison *stats.Comparison // nil for memory verdicts
}

// Options configures Build.
type Options struct {
	Stats     stats.Options
	ColdRatio float64       // 0: the run header's, else 1%
	Pricing   *cost.Pricing // nil: the target region's list prices
}

// MonthlyVolumes are the invocation counts monthly costs are shown for (seed 003's table).
var MonthlyVolumes = []float64{1e6, 10e6, 100e6}

// Build computes the model from a results file.
func Build(res *bench.Results, o Options) *Model {
	m := &Model{Run: res.Run, Warnings: append([]string(nil), res.Warnings...)}
	m.ColdRatio = o.ColdRatio
	if m.ColdRatio == 0 {
		m.ColdRatio = res.Run.ColdRatio
	}
	if m.ColdRatio == 0 {
		m.ColdRatio = 0.01
	}
	if o.Pricing != nil {
		m.Pricing = *o.Pricing
	} else if p, ok := cost.Lookup(res.Run.Target.Region); ok {
		m.Pricing = p
	} else {
		m.Pricing = cost.Default()
		m.Warnings = append(m.Warnings, fmt.Sprintf("no price table for region %q: costs use us-east-1 prices", res.Run.Target.Region))
	}
	infos := map[string]bench.VariantInfo{}
	for _, v := range res.Run.Variants {
		infos[v.Name] = v
	}
	byKey := map[[2]any]*Group{}
	var order []*Group
	for i := range res.Samples {
		s := &res.Samples[i]
		k := [2]any{s.Variant, s.MemoryMB}
		g := byKey[k]
		if g == nil {
			info := infos[s.Variant]
			g = &Group{Variant: s.Variant, Arch: s.Arch, MemoryMB: s.MemoryMB, PackageBytes: info.PackageBytes, PackageFiles: info.PackageFiles}
			byKey[k] = g
			order = append(order, g)
		}
		g.add(s)
	}
	for _, g := range order {
		g.finish(m, o.Stats)
		m.Groups = append(m.Groups, *g)
	}
	m.Findings = findings(m.Groups, o.Stats)
	return m
}

func (g *Group) add(s *bench.Sample) {
	if s.Flag == bench.FlagWarmup {
		return
	}
	g.Invokes++
	if !s.OK() {
		g.Failed++
	}
	if s.MaxMemoryMB > g.MaxMemoryMB {
		g.MaxMemoryMB = s.MaxMemoryMB
	}
	ok := s.OK()
	switch {
	case s.Phase == bench.PhaseCold && s.Flag == bench.FlagNotCold:
		g.NotCold++
	case s.Phase == bench.PhaseCold && ok:
		g.initMS = append(g.initMS, s.InitMS)
		g.firstMS = append(g.firstMS, s.DurationMS)
		g.coldClientMS = append(g.coldClientMS, s.ClientMS)
	case s.Phase == bench.PhaseWarm && ok:
		g.warmMS = append(g.warmMS, s.DurationMS)
		g.warmClientMS = append(g.warmClientMS, s.ClientMS)
	case s.Phase == bench.PhaseLoad && s.Error == "":
		g.loadMS = append(g.loadMS, s.ClientMS)
		g.loadIntended = append(g.loadIntended, s.IntendedAt)
	case s.Phase == bench.PhaseBurst && s.Error == "":
		g.burstMS = append(g.burstMS, s.ClientMS)
	}
	// Every successful invoke tells what a cold or a warm invoke bills.
	if ok && s.BilledMS > 0 {
		if s.Cold {
			g.coldBilled = append(g.coldBilled, float64(s.BilledMS))
		} else {
			g.warmBilled = append(g.warmBilled, float64(s.BilledMS))
		}
	}
}

// unobserved drops a client-latency series in which nothing was measured
// (imported CloudWatch logs carry no client times), so no report shows a
// latency of 0 µs.
func unobserved(xs []float64) []float64 {
	for _, x := range xs {
		if x != 0 {
			return xs
		}
	}
	return nil
}

func (g *Group) finish(m *Model, so stats.Options) {
	g.coldClientMS, g.warmClientMS = unobserved(g.coldClientMS), unobserved(g.warmClientMS)
	g.loadMS, g.burstMS = unobserved(g.loadMS), unobserved(g.burstMS)
	g.Cold = summarize(g.initMS, so)
	g.FirstInvoke = summarize(g.firstMS, so)
	g.ColdClient = summarize(g.coldClientMS, so)
	g.Warm = summarize(g.warmMS, so)
	g.WarmClient = summarize(g.warmClientMS, so)
	g.Load = summarize(g.loadMS, so)
	if len(g.loadIntended) > 0 {
		start := slices.MinFunc(g.loadIntended, func(a, b time.Time) int { return a.Compare(b) })
		g.loadAt = make([]float64, len(g.loadIntended))
		for i, t := range g.loadIntended {
			g.loadAt[i] = t.Sub(start).Seconds()
		}
		g.loadIntended = nil
	}
	g.Burst = summarize(g.burstMS, so)
	g.ColdBilledMS, g.WarmBilledMS = stats.Mean(g.coldBilled), stats.Mean(g.warmBilled)
	if len(g.coldBilled) == 0 {
		g.ColdBilledMS = 0
	}
	if len(g.warmBilled) == 0 {
		g.WarmBilledMS = g.ColdBilledMS // nothing warm measured: the best estimate is the cold figure
	}
	if len(g.coldBilled) == 0 {
		g.ColdBilledMS = g.WarmBilledMS
	}
	if len(g.coldBilled)+len(g.warmBilled) > 0 {
		prof := cost.Profile{Arch: cost.Arch(g.Arch), MemoryMB: g.MemoryMB, WarmBilledMS: g.WarmBilledMS, ColdBilledMS: g.ColdBilledMS}
		if prof.Arch == "" {
			prof.Arch = cost.X86
		}
		g.CostPer1M = m.Pricing.PerMillion(prof, m.ColdRatio)
		for _, n := range MonthlyVolumes {
			g.Monthly = append(g.Monthly, m.Pricing.Monthly(prof, m.ColdRatio, n))
		}
	}
	if g.NotCold > 0 {
		m.Warnings = append(m.Warnings, fmt.Sprintf("%s: %s found a warm environment (flagged not-cold, left out of cold statistics)", g.Label(), plural(g.NotCold, "cold-phase invoke")))
	}
	if g.Failed > 0 {
		m.Warnings = append(m.Warnings, fmt.Sprintf("%s: %d of %d invokes failed", g.Label(), g.Failed, g.Invokes))
	}
}

func summarize(xs []float64, so stats.Options) stats.Summary {
	if n := len(xs); n > 0 {
		full := so.Resamples
		if full == 0 {
			full = stats.DefaultResamples
		}
		// A long load run would otherwise take seconds to summarise.
		so.Resamples = min(full, max(200, stats.ResampleBudget/n))
	}
	return stats.Summarize(xs, so)
}

// findings compares variants at each memory size against the fastest, and
// states each variant's fastest and cheapest memory size in a sweep.
func findings(groups []Group, so stats.Options) []Finding {
	var out []Finding
	byMemory := map[int][]Group{}
	var mems []int
	for _, g := range groups {
		if byMemory[g.MemoryMB] == nil {
			mems = append(mems, g.MemoryMB)
		}
		byMemory[g.MemoryMB] = append(byMemory[g.MemoryMB], g)
	}
	sort.Ints(mems)
	for _, mb := range mems {
		gs := byMemory[mb]
		out = append(out, compareBy(gs, "cold", "to start", "cold start", func(g Group) []float64 { return g.initMS }, so)...)
		out = append(out, compareBy(gs, "warm", "when warm", "warm duration", func(g Group) []float64 { return g.warmMS }, so)...)
	}
	out = append(out, sweepVerdicts(groups)...)
	return out
}

// compareBy compares each group with the fastest by a series: faster
// completes "A is 3× faster …" and noun names the quantity.
func compareBy(gs []Group, kind, faster, noun string, series func(Group) []float64, so stats.Options) []Finding {
	var with []Group
	for _, g := range gs {
		if len(series(g)) > 0 {
			with = append(with, g)
		}
	}
	if len(with) < 2 {
		return nil
	}
	sort.SliceStable(with, func(i, j int) bool { return stats.Median(series(with[i])) < stats.Median(series(with[j])) })
	best := with[0]
	var out []Finding
	for _, g := range with[1:] {
		c := stats.Compare(series(g), series(best), so)
		f := Finding{Kind: kind, Comparison: &c}
		switch {
		case len(c.Warnings) > 0 && !c.RatioCI.OK:
			f.Text = fmt.Sprintf("%s is %.2f× faster %s than %s at %d MB (%s)", best.Variant, c.Ratio, faster, g.Variant, g.MemoryMB, c.Warnings[0])
		case !c.Significant:
			f.Text = fmt.Sprintf("%s and %s: no significant difference in %s at %d MB (p=%.2f)", best.Variant, g.Variant, noun, g.MemoryMB, c.P)
		default:
			f.Text = fmt.Sprintf("%s is %.2f× faster %s than %s [%.2f–%.2f] at %d MB (p=%.3g)",
				best.Variant, c.Ratio, faster, g.Variant, c.RatioCI.Lo, c.RatioCI.Hi, g.MemoryMB, c.P)
		}
		out = append(out, f)
	}
	return out
}

// sweepVerdicts names each variant's fastest and cheapest memory size when it
// ran at more than one.
func sweepVerdicts(groups []Group) []Finding {
	points := map[string][]cost.Point{}
	var names []string
	for _, g := range groups {
		lat := g.Warm.Median
		if g.Warm.N == 0 {
			lat = g.Cold.Median + g.FirstInvoke.Median
		}
		if g.CostPer1M == 0 || lat == 0 {
			continue
		}
		if points[g.Variant] == nil {
			names = append(names, g.Variant)
		}
		points[g.Variant] = append(points[g.Variant], cost.Point{MemoryMB: g.MemoryMB, LatencyMS: lat, CostPer1M: g.CostPer1M})
	}
	var out []Finding
	for _, n := range names {
		ps := points[n]
		if len(ps) < 2 {
			continue
		}
		fast, cheap := cost.Fastest(ps), cost.Cheapest(ps)
		out = append(out, Finding{Kind: "memory", Text: fmt.Sprintf(
			"%s: fastest at %d MB (%s), cheapest at %d MB ($%.2f per 1M invokes)",
			n, fast.MemoryMB, Millis(fast.LatencyMS), cheap.MemoryMB, cheap.CostPer1M)})
	}
	return out
}
