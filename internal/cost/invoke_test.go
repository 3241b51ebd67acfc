package cost

import (
	"math"
	"testing"
)

// cents rounds USD to cents, for comparing with published tables only.
func cents(usd float64) float64 { return math.Round(usd*100) / 100 }

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// Seed 003 (lines 517-527) prices .NET modes on Lambda, us-east-1, per 1M
// warm invokes. Its GB-seconds are MB/1000 × s: the table used decimal
// gigabytes (512 MB × 91 ms × 1M = 46,592 GB-s), so it is reproduced with
// MBPerGB 1000; AWS bills MB/1024 (45,500 GB-s for the same row).
func TestSeed003Table(t *testing.T) {
	tests := []struct {
		name       string
		memoryMB   int
		avgMS      float64
		mbPerGB    float64
		gbSeconds  float64
		durationUS float64 // USD, to the cent
		totalUSD   float64 // USD, to the cent
		totalExact float64 // unrounded, to 1e-9
	}{
		// The seed's rows, decimal gigabytes.
		{"Regular (seed)", 512, 91, 1000, 46592, 0.78, 0.98, 0.9765348864},
		{"ReadyToRun (seed)", 512, 99, 1000, 50688, 0.84, 1.04, 1.0448016896},
		{"AOT .NET 9 (seed)", 256, 14, 1000, 3584, 0.06, 0.26, 0.2597334528},
		{"AOT .NET 10 (seed)", 256, 17, 1000, 4352, 0.07, 0.27, 0.2725334784},
		// What AWS bills for the same rows: 512 MB is 0.5 GB.
		{"Regular (AWS)", 512, 91, 1024, 45500, 0.76, 0.96, 0.95833485},
		{"ReadyToRun (AWS)", 512, 99, 1024, 49500, 0.83, 1.03, 1.02500165},
		{"AOT .NET 9 (AWS)", 256, 14, 1024, 3500, 0.06, 0.26, 0.25833345},
		{"AOT .NET 10 (AWS)", 256, 17, 1024, 4250, 0.07, 0.27, 0.270833475},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Default()
			p.MBPerGB = tt.mbPerGB
			f := Profile{Arch: X86, MemoryMB: tt.memoryMB, WarmBilledMS: tt.avgMS}
			b := p.Monthly(f, 0, 1e6)
			if !near(b.GBSeconds, tt.gbSeconds, 1e-6) {
				t.Errorf("GBSeconds = %v, want %v", b.GBSeconds, tt.gbSeconds)
			}
			if cents(b.DurationUSD) != tt.durationUS {
				t.Errorf("DurationUSD = %v, want $%.2f", b.DurationUSD, tt.durationUS)
			}
			if !near(b.RequestUSD, 0.20, 1e-12) {
				t.Errorf("RequestUSD = %v, want 0.20", b.RequestUSD)
			}
			if cents(b.TotalUSD) != tt.totalUSD || !near(b.TotalUSD, tt.totalExact, 1e-9) {
				t.Errorf("TotalUSD = %v, want $%.2f (%v)", b.TotalUSD, tt.totalUSD, tt.totalExact)
			}
			if pm := p.PerMillion(f, 0); pm != b.TotalUSD {
				t.Errorf("PerMillion = %v, Monthly(1M).TotalUSD = %v", pm, b.TotalUSD)
			}
		})
	}
}

// Seed 003 also projects 10M requests/month: Regular $9.80, AOT .NET 9 $2.60,
// saving $7.20. Those are ten times its per-1M totals after rounding them to
// cents ($0.98, $0.26); the unrounded model gives $9.77, $2.60 and $7.17.
func TestSeed003TenMillion(t *testing.T) {
	p := Default()
	p.MBPerGB = 1000
	regular := Profile{Arch: X86, MemoryMB: 512, WarmBilledMS: 91}
	aot9 := Profile{Arch: X86, MemoryMB: 256, WarmBilledMS: 14}

	tests := []struct {
		name         string
		regular, aot float64
		want         [3]float64 // regular, AOT, savings in USD
	}{
		{"seed's arithmetic: 10 × rounded per-1M",
			10 * cents(p.PerMillion(regular, 0)), 10 * cents(p.PerMillion(aot9, 0)),
			[3]float64{9.80, 2.60, 7.20}},
		{"model, unrounded",
			p.Monthly(regular, 0, 10e6).TotalUSD, p.Monthly(aot9, 0, 10e6).TotalUSD,
			[3]float64{9.77, 2.60, 7.17}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := [3]float64{cents(tt.regular), cents(tt.aot), cents(tt.regular - tt.aot)}
			if got != tt.want {
				t.Errorf("regular, AOT, savings = %v, want %v", got, tt.want)
			}
		})
	}
}

// Since August 2025 the init of an on-demand invoke is billed (lambda-spec.md
// §4), so a 1% cold ratio with a long init shows up in the bill.
func TestInitBilling(t *testing.T) {
	p := Default()
	f := Profile{Arch: X86, MemoryMB: 512, WarmBilledMS: 100, ColdBilledMS: 1200}
	tests := []struct {
		name      string
		coldRatio float64
		gbSeconds float64 // per 1M invokes
		total     float64
	}{
		// 1M × 0.5 GB × 0.1 s.
		{"all warm", 0, 50000, 50000*0.0000166667 + 0.20},
		// 990,000 × 0.5 × 0.1 + 10,000 × 0.5 × 1.2 = 49,500 + 6,000 = 55,500 GB-s:
		// 1% of invokes add 11% to the duration charge.
		{"1% cold", 0.01, 55500, 55500*0.0000166667 + 0.20}, // $1.12500185
		{"all cold", 1, 600000, 600000*0.0000166667 + 0.20},
		{"ratio clamped above 1", 2, 600000, 600000*0.0000166667 + 0.20},
		{"ratio clamped below 0", -1, 50000, 50000*0.0000166667 + 0.20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := p.Monthly(f, tt.coldRatio, 1e6)
			if !near(b.GBSeconds, tt.gbSeconds, 1e-6) {
				t.Errorf("GBSeconds = %v, want %v", b.GBSeconds, tt.gbSeconds)
			}
			if !near(b.TotalUSD, tt.total, 1e-12) || !near(p.PerMillion(f, tt.coldRatio), tt.total, 1e-12) {
				t.Errorf("TotalUSD = %v, PerMillion = %v, want %v", b.TotalUSD, p.PerMillion(f, tt.coldRatio), tt.total)
			}
			if !near(b.TotalUSD, b.DurationUSD+b.RequestUSD, 1e-15) || b.Invocations != 1e6 {
				t.Errorf("inconsistent breakdown %+v", b)
			}
		})
	}
}

func TestInvoke(t *testing.T) {
	p := Default()
	tests := []struct {
		name     string
		arch     Arch
		memoryMB int
		billedMS float64
		want     float64
	}{
		// 1 GB for 1 s is one GB-second, plus one request.
		{"1 GB-s x86", X86, 1024, 1000, 0.0000166667 + 0.0000002},
		{"1 GB-s arm", ARM, 1024, 1000, 0.0000133334 + 0.0000002},
		{"empty arch is x86", "", 1024, 1000, 0.0000166667 + 0.0000002},
		// 128 MB × 1 ms = 1/8 GB × 0.001 s; billed ms are not rounded again.
		{"smallest", X86, 128, 1, 0.000125*0.0000166667 + 0.0000002},
		{"fractional billed ms kept", X86, 1024, 0.5, 0.0005*0.0000166667 + 0.0000002},
		{"zero duration pays the request", X86, 1024, 0, 0.0000002},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Invoke(tt.arch, tt.memoryMB, tt.billedMS); !near(got, tt.want, 1e-18) {
				t.Errorf("Invoke = %v, want %v", got, tt.want)
			}
		})
	}
	if got := p.Invoke("riscv64", 1024, 1000); !math.IsNaN(got) {
		t.Errorf("unknown arch: Invoke = %v, want NaN", got)
	}
}

func TestArmCheaper(t *testing.T) {
	p := Default()
	tests := []struct {
		name string
		f    Profile
		cold float64
	}{
		{"warm only", Profile{MemoryMB: 512, WarmBilledMS: 91}, 0},
		{"with cold starts", Profile{MemoryMB: 1769, WarmBilledMS: 40, ColdBilledMS: 900}, 0.05},
		{"tiny", Profile{MemoryMB: 128, WarmBilledMS: 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, a := tt.f, tt.f
			x.Arch, a.Arch = X86, ARM
			bx, ba := p.Monthly(x, tt.cold, 1e6), p.Monthly(a, tt.cold, 1e6)
			if !(ba.TotalUSD < bx.TotalUSD) {
				t.Errorf("arm64 $%v, x86_64 $%v", ba.TotalUSD, bx.TotalUSD)
			}
			// Same GB-seconds and request fee; arm's duration rate is 20% lower.
			if ba.GBSeconds != bx.GBSeconds || ba.RequestUSD != bx.RequestUSD ||
				!near(ba.DurationUSD/bx.DurationUSD, 0.0000133334/0.0000166667, 1e-12) {
				t.Errorf("x86 %+v, arm %+v", bx, ba)
			}
		})
	}
}
