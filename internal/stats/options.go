package stats

import "math/rand/v2"

// MinSamples is the smallest sample size that gets a confidence interval or a
// significance test. Below it a bootstrap only reshuffles a handful of values
// and its interval would look far more precise than the data allow.
const MinSamples = 5

const (
	// DefaultConfidence is the confidence level used when Options.Confidence is unset.
	DefaultConfidence = 0.95
	// DefaultResamples is the bootstrap resample count used when Options.Resamples is unset.
	DefaultResamples = 10000
)

// seedMix derives PCG's second word from the seed, so a single uint64 is
// enough to reproduce a run.
const seedMix = 0x9e3779b97f4a7c15

// Options configures the computations that need randomness or a confidence level.
type Options struct {
	Confidence float64 // default 0.95; values outside (0,1) mean the default
	Resamples  int     // bootstrap resamples, default 10000; time grows as n·Resamples (about 1 s per 10,000 samples at the default)
	Seed       uint64  // bootstrap RNG seed (math/rand/v2 PCG); same seed + same data => same intervals
}

// withDefaults fills zero or meaningless fields, so Options{} is usable.
func (o Options) withDefaults() Options {
	if !(o.Confidence > 0 && o.Confidence < 1) {
		o.Confidence = DefaultConfidence
	}
	if o.Resamples <= 0 {
		o.Resamples = DefaultResamples
	}
	return o
}

// rng returns a fresh generator for o.Seed; every computation starts its own
// so results never depend on call order or goroutine scheduling.
func (o Options) rng() *rand.Rand {
	return rand.New(rand.NewPCG(o.Seed, o.Seed^seedMix))
}
