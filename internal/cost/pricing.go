package cost

import "maps"

// Arch is a Lambda instruction set architecture, spelled as the Lambda API does.
type Arch string

const (
	// X86 is x86_64, Lambda's default architecture.
	X86 Arch = "x86_64"
	// ARM is arm64 (Graviton), priced about 20% lower per GB-second.
	ARM Arch = "arm64"
)

// MBPerGB is how Lambda converts configured memory to GB for GB-seconds.
const MBPerGB = 1024

// Pricing is one region's Lambda on-demand prices.
type Pricing struct {
	Region      string
	PerGBSecond map[Arch]float64 // USD
	PerRequest  float64          // USD per single request (0.20 per million = 0.0000002)
	MBPerGB     float64          // 1024 on AWS; some published tables (seed 003) divide by 1000; 0 means 1024
}

// standard is the first-tier price list shared by the regions in regions.
// Source: aws.amazon.com/lambda/pricing, lambda-spec.md §7.
var standard = Pricing{
	PerGBSecond: map[Arch]float64{X86: 0.0000166667, ARM: 0.0000133334},
	PerRequest:  0.20 / 1e6,
	MBPerGB:     MBPerGB,
}

// regions holds only regions known to charge exactly the standard prices.
// Several others differ (af-south-1, ap-east-1, eu-south-1, me-south-1,
// me-central-1 cost more); a region missing here is unknown, not standard.
var regions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"eu-west-1", "eu-west-2", "eu-central-1",
	"ap-northeast-1", "ap-southeast-1", "ap-southeast-2",
}

// Lookup returns the prices of a known region. The result owns its map, so
// callers may adjust it without touching the table.
func Lookup(region string) (Pricing, bool) {
	for _, r := range regions {
		if r == region {
			p := standard
			p.Region = region
			p.PerGBSecond = maps.Clone(standard.PerGBSecond)
			return p, true
		}
	}
	return Pricing{}, false
}

// Regions returns the regions Lookup knows, in a fixed order.
func Regions() []string { return append([]string(nil), regions...) }

// Default returns the us-east-1 prices, the region AWS quotes its examples in.
func Default() Pricing {
	p, _ := Lookup("us-east-1")
	return p
}
