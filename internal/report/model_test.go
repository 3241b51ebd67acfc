package report

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/cost"
	"github.com/coldstartlab/coldstart/internal/stats"
)

// statsOptions are fixed so bootstrap intervals (and the golden table) never change.
var statsOptions = stats.Options{Seed: 7, Resamples: 2000}

// synthetic returns the results of two variants at 128 and 512 MB:
//   - cold: 10 verified cold starts each; "slow" initialises 10× slower
//     than "fast" (fast 100–109 ms, slow 1000–1090 ms), Duration 5 ms;
//   - warm: 2 warm-ups (Duration 500 ms, to be ignored), then 20 invokes of
//     identical distributions for both variants: 10–14 ms at 128 MB, 5–9 ms
//     at 512 MB;
//   - load: 10 requests, client latency 20–29 ms, Duration 10 ms;
//   - fast @ 128 MB has one not-cold sample in its cold phase, and
//     slow @ 512 MB one throttled warm invoke.
func synthetic() *bench.Results {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	res := &bench.Results{
		Run: bench.Run{Kind: bench.KindRun, ID: "run-1", Target: bench.TargetInfo{Kind: "local", Region: "us-east-1"},
			Variants: []bench.VariantInfo{
				{Name: "fast", Function: "Fast", Arch: "x86_64", MemoryMB: 128, PackageBytes: 5 << 20, PackageFiles: 1},
				{Name: "slow", Function: "Slow", Arch: "x86_64", MemoryMB: 128, PackageBytes: 48 << 20, PackageFiles: 2310},
			},
			ColdRatio: 0.01},
		Warnings: []string{"line 9: not JSON, skipped"},
	}
	add := func(s bench.Sample) {
		s.Kind, s.Run, s.Arch = bench.KindSample, "run-1", "x86_64"
		if s.Error == "" {
			s.Status = 200
			if s.MaxMemoryMB == 0 {
				s.MaxMemoryMB = 30 + s.Seq%3
			}
		}
		s.IntendedAt = t0.Add(time.Duration(len(res.Samples)) * time.Second)
		s.SentAt, s.DoneAt = s.IntendedAt, s.IntendedAt.Add(time.Duration(s.ClientMS*float64(time.Millisecond)))
		res.Samples = append(res.Samples, s)
	}
	for _, mb := range []int{128, 512} {
		for _, v := range []string{"fast", "slow"} {
			base := bench.Sample{Variant: v, MemoryMB: mb}
			for i := range 10 {
				s := base
				s.Phase, s.PhaseIndex, s.Seq, s.Cold = bench.PhaseCold, 0, i, true
				s.InitMS = 100 + float64(i)
				if v == "slow" {
					s.InitMS = 1000 + 10*float64(i)
				}
				s.DurationMS, s.BilledMS, s.ClientMS = 5, int64(math.Ceil(s.InitMS+5)), s.InitMS+8
				add(s)
			}
			if v == "fast" && mb == 128 {
				add(bench.Sample{Variant: v, MemoryMB: mb, Phase: bench.PhaseCold, Seq: 10, Flag: bench.FlagNotCold,
					DurationMS: 2, BilledMS: 2, ClientMS: 3})
			}
			for i := range 2 {
				add(bench.Sample{Variant: v, MemoryMB: mb, Phase: bench.PhaseWarm, PhaseIndex: 1, Seq: i, Flag: bench.FlagWarmup,
					DurationMS: 500, BilledMS: 500, ClientMS: 501})
			}
			warmBase := 10.0
			if mb == 512 {
				warmBase = 5
			}
			for i := range 20 {
				d := warmBase + float64(i%5)
				add(bench.Sample{Variant: v, MemoryMB: mb, Phase: bench.PhaseWarm, PhaseIndex: 1, Seq: i,
					DurationMS: d, BilledMS: int64(d), ClientMS: d + 1})
			}
			if v == "slow" && mb == 512 {
				add(bench.Sample{Variant: v, MemoryMB: mb, Phase: bench.PhaseWarm, PhaseIndex: 1, Seq: 20,
					Status: 429, Error: "TooManyRequestsException: Rate Exceeded.", ClientMS: 1})
			}
			for i := range 10 {
				s := bench.Sample{Variant: v, MemoryMB: mb, Phase: bench.PhaseLoad, PhaseIndex: 2, Seq: i,
					DurationMS: 10, BilledMS: 10, ClientMS: 20 + float64(i)}
				if v == "slow" && mb == 512 && i == 9 {
					s.MaxMemoryMB = 64
				}
				add(s)
			}
		}
	}
	return res
}

func TestBuildGroups(t *testing.T) {
	m := Build(synthetic(), Options{Stats: statsOptions})
	var labels []string
	for _, g := range m.Groups {
		labels = append(labels, g.Label())
	}
	if want := []string{"fast @ 128 MB", "slow @ 128 MB", "fast @ 512 MB", "slow @ 512 MB"}; !reflect.DeepEqual(labels, want) {
		t.Fatalf("groups %v, want %v (plan order)", labels, want)
	}
	tests := []struct {
		name                                          string
		g                                             Group
		invokes, failed, notCold, maxMem              int
		cold, first, coldClient, warm, warmClient, ld int
		coldMin, coldMax, warmMin, warmMax            float64
	}{
		{"fast @ 128 MB: the not-cold sample is out of cold statistics", m.Groups[0],
			10 + 1 + 20 + 10, 0, 1, 32, 10, 10, 10, 20, 20, 10, 100, 109, 10, 14},
		{"slow @ 128 MB", m.Groups[1],
			10 + 20 + 10, 0, 0, 32, 10, 10, 10, 20, 20, 10, 1000, 1090, 10, 14},
		{"fast @ 512 MB", m.Groups[2],
			10 + 20 + 10, 0, 0, 32, 10, 10, 10, 20, 20, 10, 100, 109, 5, 9},
		{"slow @ 512 MB: the throttled invoke counts as failed, not as warm", m.Groups[3],
			10 + 20 + 1 + 10, 1, 0, 64, 10, 10, 10, 20, 20, 10, 1000, 1090, 5, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.g
			if g.Invokes != tt.invokes || g.Failed != tt.failed || g.NotCold != tt.notCold || g.MaxMemoryMB != tt.maxMem {
				t.Errorf("invokes %d failed %d not-cold %d max memory %d; want %d %d %d %d",
					g.Invokes, g.Failed, g.NotCold, g.MaxMemoryMB, tt.invokes, tt.failed, tt.notCold, tt.maxMem)
			}
			if g.Cold.N != tt.cold || g.FirstInvoke.N != tt.first || g.ColdClient.N != tt.coldClient ||
				g.Warm.N != tt.warm || g.WarmClient.N != tt.warmClient || g.Load.N != tt.ld || g.Burst.N != 0 {
				t.Errorf("N: cold %d first %d cold client %d warm %d warm client %d load %d burst %d",
					g.Cold.N, g.FirstInvoke.N, g.ColdClient.N, g.Warm.N, g.WarmClient.N, g.Load.N, g.Burst.N)
			}
			// Warm-ups (500 ms) and the not-cold sample (no Init) stay out.
			if g.Cold.Min != tt.coldMin || g.Cold.Max != tt.coldMax || g.Warm.Min != tt.warmMin || g.Warm.Max != tt.warmMax {
				t.Errorf("cold %v–%v warm %v–%v; want %v–%v, %v–%v",
					g.Cold.Min, g.Cold.Max, g.Warm.Min, g.Warm.Max, tt.coldMin, tt.coldMax, tt.warmMin, tt.warmMax)
			}
			if g.FirstInvoke.Median != 5 || g.Load.Min != 20 || g.Load.Max != 29 || !g.HasCold() || g.Arch != "x86_64" {
				t.Errorf("first invoke %v, load %v–%v, arch %q", g.FirstInvoke.Median, g.Load.Min, g.Load.Max, g.Arch)
			}
			if !g.Cold.MeanCI.OK || g.Cold.MeanCI.Lo > g.Cold.Mean || g.Cold.MeanCI.Hi < g.Cold.Mean {
				t.Errorf("cold mean %v, CI %+v", g.Cold.Mean, g.Cold.MeanCI)
			}
		})
	}
	if g := m.Groups[1]; g.PackageBytes != 48<<20 || g.PackageFiles != 2310 {
		t.Errorf("package %d bytes, %d files: want the run header's", g.PackageBytes, g.PackageFiles)
	}
	want := []string{
		"line 9: not JSON, skipped",
		"fast @ 128 MB: 1 cold-phase invoke found a warm environment (flagged not-cold, left out of cold statistics)",
		"slow @ 512 MB: 1 of 41 invokes failed",
	}
	if !reflect.DeepEqual(m.Warnings, want) {
		t.Errorf("warnings\n got %q\nwant %q", m.Warnings, want)
	}
}

func TestBuildCost(t *testing.T) {
	m := Build(synthetic(), Options{Stats: statsOptions})
	// By hand: mean Billed Duration of cold invokes (ceil(Init + 5 ms)), and of
	// every other successful one (warm, the not-cold sample, load).
	coldBilled := map[string]float64{"fast": (105 + 114) / 2.0, "slow": (1005 + 1095) / 2.0}
	warmBilled := map[int]float64{128: 12, 512: 7}
	tests := []struct {
		group      int
		cold, warm float64
	}{
		{0, coldBilled["fast"], (20*warmBilled[128] + 2 + 10*10) / 31},
		{1, coldBilled["slow"], (20*warmBilled[128] + 10*10) / 30},
		{2, coldBilled["fast"], (20*warmBilled[512] + 10*10) / 30},
		{3, coldBilled["slow"], (20*warmBilled[512] + 10*10) / 30},
	}
	for _, tt := range tests {
		g := m.Groups[tt.group]
		t.Run(g.Label(), func(t *testing.T) {
			if !near(g.ColdBilledMS, tt.cold) || !near(g.WarmBilledMS, tt.warm) {
				t.Errorf("billed cold %v warm %v; want %v %v", g.ColdBilledMS, g.WarmBilledMS, tt.cold, tt.warm)
			}
			gb := float64(g.MemoryMB) / 1024
			perInvoke := 0.99*gb*tt.warm/1000 + 0.01*gb*tt.cold/1000 // GB-seconds
			want := 1e6 * (perInvoke*0.0000166667 + 0.0000002)
			if !near(g.CostPer1M, want) {
				t.Errorf("cost per 1M %v, want %v", g.CostPer1M, want)
			}
			prof := cost.Profile{Arch: cost.X86, MemoryMB: g.MemoryMB, WarmBilledMS: tt.warm, ColdBilledMS: tt.cold}
			if p := cost.Default().PerMillion(prof, 0.01); !near(g.CostPer1M, p) {
				t.Errorf("cost per 1M %v, cost.Default().PerMillion %v", g.CostPer1M, p)
			}
			if len(g.Monthly) != 3 || !near(g.Monthly[0].TotalUSD, want) || !near(g.Monthly[2].TotalUSD, 100*want) {
				t.Errorf("monthly %+v", g.Monthly)
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestBuildFindings(t *testing.T) {
	m := Build(synthetic(), Options{Stats: statsOptions})
	var kinds []string
	for _, f := range m.Findings {
		kinds = append(kinds, f.Kind)
	}
	if want := []string{"cold", "warm", "cold", "warm", "memory", "memory"}; !reflect.DeepEqual(kinds, want) {
		t.Fatalf("findings %v, want %v:\n%v", kinds, want, m.Findings)
	}
	for _, i := range []int{0, 2} {
		f := m.Findings[i]
		mb := []int{128, 0, 512}[i]
		if c := f.Comparison; c == nil || !c.Significant || c.Ratio != 10 || !c.RatioCI.OK {
			t.Errorf("cold at %d MB: comparison %+v, want a significant 10× ratio", mb, f.Comparison)
		}
		if !strings.HasPrefix(f.Text, "fast is 10.00× faster to start than slow [") || !strings.Contains(f.Text, fmt.Sprintf("] at %d MB (p=", mb)) {
			t.Errorf("cold finding %q", f.Text)
		}
	}
	for _, i := range []int{1, 3} {
		mb := []int{0, 128, 0, 512}[i]
		f := m.Findings[i]
		if want := fmt.Sprintf("fast and slow: no significant difference in warm duration at %d MB (p=1.00)", mb); f.Text != want {
			t.Errorf("warm finding %q, want %q", f.Text, want)
		}
		if f.Comparison == nil || f.Comparison.Significant || f.Comparison.Ratio != 1 {
			t.Errorf("warm comparison %+v", f.Comparison)
		}
	}
	// Warm median 7 ms at 512 MB beats 12 ms at 128 MB; 128 MB costs less.
	costs := map[string]float64{"fast": m.Groups[0].CostPer1M, "slow": m.Groups[1].CostPer1M}
	for i, v := range []string{"fast", "slow"} {
		want := fmt.Sprintf("%s: fastest at 512 MB (7.00 ms), cheapest at 128 MB ($%.2f per 1M invokes)", v, costs[v])
		if f := m.Findings[4+i]; f.Text != want || f.Comparison != nil {
			t.Errorf("memory verdict %q, want %q", f.Text, want)
		}
	}
}

func TestBuildFewSamples(t *testing.T) {
	res := &bench.Results{Run: bench.Run{Target: bench.TargetInfo{Region: "us-east-1"}}}
	for _, v := range []string{"a", "b"} {
		for i := range 3 {
			init := 50.0 + float64(i)
			if v == "b" {
				init *= 2
			}
			res.Samples = append(res.Samples, bench.Sample{Variant: v, MemoryMB: 256, Phase: bench.PhaseCold, Seq: i,
				Cold: true, InitMS: init, DurationMS: 1, BilledMS: int64(init) + 1, Status: 200})
		}
	}
	m := Build(res, Options{Stats: statsOptions})
	if len(m.Findings) != 1 {
		t.Fatalf("findings %v", m.Findings)
	}
	want := "a is 2.00× faster to start than b at 256 MB (only 3 new and 3 base samples (need 5 each): no confidence interval or significance test)"
	if m.Findings[0].Text != want {
		t.Errorf("finding %q, want %q", m.Findings[0].Text, want)
	}
	// Nothing warm measured: the cold figure is the best estimate of both.
	if g := m.Groups[0]; g.WarmBilledMS != g.ColdBilledMS || g.CostPer1M <= 0 {
		t.Errorf("billed warm %v cold %v, cost %v", g.WarmBilledMS, g.ColdBilledMS, g.CostPer1M)
	}
}

func TestBuildPricingAndColdRatio(t *testing.T) {
	custom := cost.Pricing{Region: "custom", PerGBSecond: map[cost.Arch]float64{cost.X86: 1e-5}, PerRequest: 1e-7}
	tests := []struct {
		name       string
		region     string
		header     float64
		opts       Options
		wantRatio  float64
		wantRegion string
		warning    string
	}{
		{"header's ratio", "eu-west-1", 0.05, Options{}, 0.05, "eu-west-1", ""},
		{"option wins", "eu-west-1", 0.05, Options{ColdRatio: 0.5}, 0.5, "eu-west-1", ""},
		{"default 1%", "eu-west-1", 0, Options{}, 0.01, "eu-west-1", ""},
		{"unknown region", "xx-moon-1", 0, Options{}, 0.01, "us-east-1",
			`no price table for region "xx-moon-1": costs use us-east-1 prices`},
		{"given prices", "xx-moon-1", 0, Options{Pricing: &custom}, 0.01, "custom", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &bench.Results{Run: bench.Run{Target: bench.TargetInfo{Region: tt.region}, ColdRatio: tt.header}}
			m := Build(res, tt.opts)
			if m.ColdRatio != tt.wantRatio || m.Pricing.Region != tt.wantRegion {
				t.Errorf("cold ratio %v region %q", m.ColdRatio, m.Pricing.Region)
			}
			if got := strings.Join(m.Warnings, "\n"); got != tt.warning {
				t.Errorf("warnings %q, want %q", got, tt.warning)
			}
			if len(m.Groups) != 0 || len(m.Findings) != 0 {
				t.Errorf("groups %v findings %v from no samples", m.Groups, m.Findings)
			}
		})
	}
}
