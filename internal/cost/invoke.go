package cost

import "math"

// GBSeconds is the compute an invoke of billedMS milliseconds is charged for
// at memoryMB: memory in GB (MB / MBPerGB) times billed seconds.
func (p Pricing) GBSeconds(memoryMB int, billedMS float64) float64 {
	return float64(memoryMB) / p.mbPerGB() * billedMS / 1000
}

// Invoke is the cost in USD of one invoke: duration plus the request fee.
// An empty arch means x86_64, Lambda's default; an arch without a price gives
// NaN rather than a plausible-looking wrong number.
func (p Pricing) Invoke(arch Arch, memoryMB int, billedMS float64) float64 {
	return p.GBSeconds(memoryMB, billedMS)*p.perGBSecond(arch) + p.PerRequest
}

// Profile is what a function costs per invoke, from measured billed durations.
type Profile struct {
	Arch         Arch
	MemoryMB     int
	WarmBilledMS float64 // mean Billed Duration of warm invokes
	ColdBilledMS float64 // mean Billed Duration of cold invokes (init included: Billed = ceil(Init + Duration), lambda-spec §4)
}

// Breakdown of a monthly projection.
type Breakdown struct {
	Invocations, GBSeconds, DurationUSD, RequestUSD, TotalUSD float64
}

// Monthly projects invocations invokes of f, of which coldRatio (clamped to
// 0..1) are cold, at first-tier list prices with no free tier.
func (p Pricing) Monthly(f Profile, coldRatio, invocations float64) Breakdown {
	c := min(max(coldRatio, 0), 1)
	perInvoke := (1-c)*p.GBSeconds(f.MemoryMB, f.WarmBilledMS) + c*p.GBSeconds(f.MemoryMB, f.ColdBilledMS)
	b := Breakdown{
		Invocations: invocations,
		GBSeconds:   invocations * perInvoke,
		RequestUSD:  invocations * p.PerRequest,
	}
	b.DurationUSD = b.GBSeconds * p.perGBSecond(f.Arch)
	b.TotalUSD = b.DurationUSD + b.RequestUSD
	return b
}

// PerMillion is the cost of 1,000,000 invokes of which coldRatio (0..1) are cold.
func (p Pricing) PerMillion(f Profile, coldRatio float64) float64 {
	return p.Monthly(f, coldRatio, 1e6).TotalUSD
}

// mbPerGB treats an unset divisor as AWS's 1024.
func (p Pricing) mbPerGB() float64 {
	if p.MBPerGB > 0 {
		return p.MBPerGB
	}
	return MBPerGB
}

func (p Pricing) perGBSecond(arch Arch) float64 {
	if arch == "" {
		arch = X86
	}
	if v, ok := p.PerGBSecond[arch]; ok {
		return v
	}
	return math.NaN()
}
