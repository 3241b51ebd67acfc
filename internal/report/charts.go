package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

const (
	chartW = 560
	chartH = 300
	// maxPoints bounds how many points a chart draws per series: a load run
	// of a million requests must not become a million SVG elements.
	maxPoints = 2000
)

func newGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{Y: 230}
	g.Horizontal.Color = color.Gray{Y: 230}
	g.Vertical.Width, g.Horizontal.Width = 0.5, 0.5
	return g
}

// charts builds every chart the model has data for, in page order.
func (m *Model) charts() ([]*chart, error) {
	builders := []func() (*chart, error){m.coldChart, m.firstWarmChart, m.warmCDFChart, m.loadChart,
		m.memoryChart, m.costChart, m.frontierChart}
	var out []*chart
	for _, b := range builders {
		c, err := b()
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// groupsWith returns the groups that have samples of metric.
func (m *Model) groupsWith(metric Metric) []*Group {
	var out []*Group
	for i := range m.Groups {
		if len(m.Groups[i].Series(metric)) > 0 {
			out = append(out, &m.Groups[i])
		}
	}
	return out
}

// nominal names the categories of a chart and leaves half a category of room
// at each end, so the outermost labels are not cut off.
func nominal(p *plot.Plot, gs []*Group) {
	p.NominalX(labels(gs)...)
	p.X.Min, p.X.Max = -0.6, float64(len(gs))-0.4
}

func labels(gs []*Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = fmt.Sprintf("%s\n%d MB", g.Variant, g.MemoryMB)
	}
	return out
}

// coldChart: every cold start's Init Duration, as a box per group with the
// samples themselves beside it.
func (m *Model) coldChart() (*chart, error) {
	gs := m.groupsWith(MetricColdInit)
	if len(gs) == 0 {
		return nil, nil
	}
	c := newChart("cold-init", "Cold start: Init Duration", "", "Init Duration (ms)",
		"Every verified cold start (dots) and their distribution (box: quartiles, whiskers 1.5 IQR). Hover for values.")
	p := c.plot
	for i, g := range gs {
		vals := plotter.Values(g.initMS)
		box, err := plotter.NewBoxPlot(vg.Points(18), float64(i), vals)
		if err != nil {
			return nil, err
		}
		box.Offset = -vg.Points(7)
		box.FillColor = color.RGBA{220, 235, 245, 255}
		p.Add(box)
		pts := make(plotter.XYs, 0, min(len(vals), maxPoints))
		for j, v := range thin(vals, maxPoints) {
			// Spread the dots sideways so equal values stay visible.
			jitter := (float64((j*7919)%17)/16 - 0.5) * 0.12
			pts = append(pts, plotter.XY{X: float64(i) + 0.18 + jitter, Y: v})
			c.tips = append(c.tips, tip{x: float64(i) + 0.18 + jitter, y: v,
				text: fmt.Sprintf("%s @ %d MB: Init %s", g.Variant, g.MemoryMB, Millis(v))})
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle.Color = colour(i)
		s.GlyphStyle.Radius = vg.Points(1.8)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(s)
	}
	nominal(p, gs)
	p.Y.Min = 0
	return c, nil
}

// firstWarmChart: the first invoke's Duration beside a warm invoke's (JIT
// runtimes pay on the first).
func (m *Model) firstWarmChart() (*chart, error) {
	var gs []*Group
	for i := range m.Groups {
		if g := &m.Groups[i]; g.FirstInvoke.N > 0 || g.Warm.N > 0 {
			gs = append(gs, g)
		}
	}
	if len(gs) == 0 {
		return nil, nil
	}
	c := newChart("first-warm", "First invoke vs warm: Duration", "", "median Duration (ms)",
		"Median Duration of the invoke that started an environment beside the warm median.")
	p := c.plot
	w := vg.Points(14)
	series := []struct {
		name string
		get  func(*Group) float64
	}{{"first invoke", func(g *Group) float64 { return g.FirstInvoke.Median }}, {"warm", func(g *Group) float64 { return g.Warm.Median }}}
	for k, s := range series {
		vals := make(plotter.Values, len(gs))
		for i, g := range gs {
			v := s.get(g)
			if math.IsNaN(v) {
				v = 0
			}
			vals[i] = v
			if v > 0 {
				c.tips = append(c.tips, tip{x: float64(i), y: v, dx: w * vg.Length(2*k-1) / 2, w: w,
					text: fmt.Sprintf("%s @ %d MB: %s %s", g.Variant, g.MemoryMB, s.name, Millis(v))})
			}
		}
		b, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, err
		}
		b.Color, b.LineStyle.Width = colour(k), 0
		b.Offset = w * vg.Length(2*k-1) / 2
		p.Add(b)
		p.Legend.Add(s.name, b)
	}
	nominal(p, gs)
	p.Legend.Top = true
	return c, nil
}

// warmCDFChart: the distribution of warm Duration, one line per group.
func (m *Model) warmCDFChart() (*chart, error) {
	gs := m.groupsWith(MetricWarmDuration)
	if len(gs) == 0 {
		return nil, nil
	}
	c := newChart("warm-cdf", "Warm invokes: Duration distribution", "Duration (ms)", "share of invokes ≤ x",
		"Cumulative distribution of warm Duration; the further left, the faster. Marks at p50, p90 and p99.")
	p := c.plot
	for i, g := range gs {
		sorted := slices.Clone(g.warmMS)
		slices.Sort(sorted)
		step := max(1, len(sorted)/maxPoints)
		var pts plotter.XYs
		for j := 0; j < len(sorted); j += step {
			pts = append(pts, plotter.XY{X: sorted[j], Y: float64(j+1) / float64(len(sorted))})
		}
		pts = append(pts, plotter.XY{X: sorted[len(sorted)-1], Y: 1})
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = colour(i), vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(g.Label(), l)
		for _, q := range []struct {
			q float64
			v float64
		}{{0.5, g.Warm.Median}, {0.9, g.Warm.P90}, {0.99, g.Warm.P99}} {
			c.tips = append(c.tips, tip{x: q.v, y: q.q, text: fmt.Sprintf("%s: p%.0f %s", g.Label(), q.q*100, Millis(q.v))})
		}
	}
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Min = 0
	p.Legend.Left, p.Legend.Top = false, false
	return c, nil
}

// loadChart: latency from intended send time over the run, per group.
func (m *Model) loadChart() (*chart, error) {
	gs := m.groupsWith(MetricLoadLatency)
	if len(gs) == 0 {
		return nil, nil
	}
	c := newChart("load-time", "Under load: latency over time", "seconds into the load phase", "latency (ms)",
		"Each request's latency from its intended send time (coordinated omission included). Long runs are thinned for drawing; statistics use every request.")
	p := c.plot
	for i, g := range gs {
		var pts plotter.XYs
		idx := thinIndex(len(g.loadMS), maxPoints)
		for _, j := range idx {
			pts = append(pts, plotter.XY{X: g.loadAt[j], Y: g.loadMS[j]})
			if len(idx) <= 500 {
				c.tips = append(c.tips, tip{x: g.loadAt[j], y: g.loadMS[j], text: fmt.Sprintf("%s at %.1f s: %s", g.Label(), g.loadAt[j], Millis(g.loadMS[j]))})
			}
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle.Color, s.GlyphStyle.Radius, s.GlyphStyle.Shape = colour(i), vg.Points(1.4), draw.CircleGlyph{}
		p.Add(s)
		p.Legend.Add(g.Label(), s)
	}
	p.Y.Min, p.X.Min = 0, 0
	p.Legend.Top = true
	return c, nil
}

// memoryChart: Max Memory Used against the memory size.
func (m *Model) memoryChart() (*chart, error) {
	var gs []*Group
	for i := range m.Groups {
		if m.Groups[i].MaxMemoryMB > 0 {
			gs = append(gs, &m.Groups[i])
		}
	}
	if len(gs) == 0 {
		return nil, nil
	}
	c := newChart("memory", "Max Memory Used", "", "MB",
		"The largest Max Memory Used any invoke reported, per variant and memory size.")
	p := c.plot
	vals := make(plotter.Values, len(gs))
	w := vg.Points(22)
	for i, g := range gs {
		vals[i] = float64(g.MaxMemoryMB)
		c.tips = append(c.tips, tip{x: float64(i), y: vals[i], w: w,
			text: fmt.Sprintf("%s @ %d MB: %d MB used at most", g.Variant, g.MemoryMB, g.MaxMemoryMB)})
	}
	b, err := plotter.NewBarChart(vals, w)
	if err != nil {
		return nil, err
	}
	b.Color, b.LineStyle.Width = colour(2), 0
	p.Add(b)
	nominal(p, gs)
	return c, nil
}

// costChart: monthly cost against invokes per month, log-log, one line per
// group (the volumes span two orders of magnitude).
func (m *Model) costChart() (*chart, error) {
	var gs []*Group
	for i := range m.Groups {
		if len(m.Groups[i].Monthly) == len(MonthlyVolumes) && m.Groups[i].Monthly[0].TotalUSD > 0 {
			gs = append(gs, &m.Groups[i])
		}
	}
	if len(gs) == 0 {
		return nil, nil
	}
	title := fmt.Sprintf("Cost per month (%.3g%% cold)", m.ColdRatio*100)
	c := newChart("cost", title, "invokes per month", "USD per month",
		"Monthly Lambda cost at 1M, 10M and 100M invokes (both axes logarithmic): GB-seconds of Billed Duration, init included, plus requests, at list prices.")
	p := c.plot
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	var ticks []plot.Tick
	for _, v := range MonthlyVolumes {
		ticks = append(ticks, plot.Tick{Value: v, Label: volume(v)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	for i, g := range gs {
		var pts plotter.XYs
		for k, vol := range MonthlyVolumes {
			pts = append(pts, plotter.XY{X: vol, Y: g.Monthly[k].TotalUSD})
			c.tips = append(c.tips, tip{x: vol, y: g.Monthly[k].TotalUSD,
				text: fmt.Sprintf("%s: %s per month at %s invokes", g.Label(), Dollars(g.Monthly[k].TotalUSD), volume(vol))})
		}
		l, s, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		l.Color, s.GlyphStyle.Color = colour(i), colour(i)
		s.GlyphStyle.Shape, s.GlyphStyle.Radius = draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(l, s)
		p.Legend.Add(g.Label(), l, s)
	}
	// Room around the first and last volume, so no label is cut off.
	p.X.Min, p.X.Max = MonthlyVolumes[0]/1.6, MonthlyVolumes[len(MonthlyVolumes)-1]*1.6
	p.Legend.Top, p.Legend.Left = true, true
	return c, nil
}

// frontierChart: for memory sweeps, speed against cost per memory size;
// the line joins the sizes no other size beats on both.
func (m *Model) frontierChart() (*chart, error) {
	byVariant := map[string][]*Group{}
	var names []string
	for i := range m.Groups {
		g := &m.Groups[i]
		if g.CostPer1M == 0 || sweepLatency(g) == 0 {
			continue
		}
		if byVariant[g.Variant] == nil {
			names = append(names, g.Variant)
		}
		byVariant[g.Variant] = append(byVariant[g.Variant], g)
	}
	swept := false
	for _, n := range names {
		swept = swept || len(byVariant[n]) > 1
	}
	if !swept {
		return nil, nil
	}
	c := newChart("frontier", "Memory sweep: speed against cost", "USD per 1M invokes", "latency (ms)",
		"Each memory size of a variant: warm median latency (or cold start plus first invoke when nothing warm was measured) against cost per 1M invokes. The line joins the sizes that no other size beats on both.")
	p := c.plot
	for i, n := range names {
		var pts plotter.XYs
		for _, g := range byVariant[n] {
			pts = append(pts, plotter.XY{X: g.CostPer1M, Y: sweepLatency(g)})
			c.tips = append(c.tips, tip{x: g.CostPer1M, y: sweepLatency(g),
				text: fmt.Sprintf("%s @ %d MB: %s, %s per 1M", n, g.MemoryMB, Millis(sweepLatency(g)), Dollars(g.CostPer1M))})
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle.Color, s.GlyphStyle.Radius, s.GlyphStyle.Shape = colour(i), vg.Points(3), draw.CircleGlyph{}
		p.Add(s)
		if len(names) > 1 {
			p.Legend.Add(n, s)
		}
		front := paretoFront(pts)
		if len(front) > 1 {
			l, err := plotter.NewLine(front)
			if err != nil {
				return nil, err
			}
			l.Color, l.Dashes = colour(i), []vg.Length{vg.Points(3), vg.Points(2)}
			p.Add(l)
		}
		labels := make([]string, len(byVariant[n]))
		for j, g := range byVariant[n] {
			labels[j] = fmt.Sprintf("%d MB", g.MemoryMB)
		}
		ls, err := plotter.NewLabels(plotter.XYLabels{XYs: pts, Labels: labels})
		if err != nil {
			return nil, err
		}
		for j := range ls.TextStyle {
			ls.TextStyle[j].Font.Size = 8
			ls.TextStyle[j].XAlign = 0.1
		}
		p.Add(ls)
	}
	// Pad the ranges: points on the frame's edge hide their labels.
	padX := (p.X.Max - p.X.Min) * 0.12
	if padX == 0 {
		padX = p.X.Max * 0.05
	}
	p.X.Min, p.X.Max = p.X.Min-padX, p.X.Max+padX
	p.Y.Min, p.Y.Max = 0, p.Y.Max*1.15
	p.Legend.Top = true
	return c, nil
}

func sweepLatency(g *Group) float64 {
	if g.Warm.N > 0 {
		return g.Warm.Median
	}
	if g.Cold.N > 0 {
		return g.Cold.Median + g.FirstInvoke.Median
	}
	return 0
}

// paretoFront is the points no other point beats in both x (cost) and y
// (latency), sorted by x.
func paretoFront(pts plotter.XYs) plotter.XYs {
	sorted := slices.Clone(pts)
	slices.SortFunc(sorted, func(a, b plotter.XY) int {
		if a.X != b.X {
			return cmpFloat(a.X, b.X)
		}
		return cmpFloat(a.Y, b.Y)
	})
	var out plotter.XYs
	best := math.Inf(1)
	for _, p := range sorted {
		if p.Y < best {
			out = append(out, p)
			best = p.Y
		}
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// thin keeps at most n values, evenly spaced.
func thin(vals []float64, n int) []float64 {
	idx := thinIndex(len(vals), n)
	out := make([]float64, len(idx))
	for i, j := range idx {
		out[i] = vals[j]
	}
	return out
}

func thinIndex(total, n int) []int {
	step := max(1, (total+n-1)/n)
	out := make([]int, 0, total/step+1)
	for i := 0; i < total; i += step {
		out = append(out, i)
	}
	return out
}
