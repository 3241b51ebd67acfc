package bench

import (
	"math"
	"strconv"
	"time"

	"github.com/coldstartlab/coldstart/internal/loadgen"

	"gopkg.in/yaml.v3"
)

func (p *parser) phases(n *yaml.Node, sc *Scenario) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.fail(n, "phases must be a non-empty list, e.g. `- cold: {samples: 20, strategy: parallel}`")
		return
	}
	for _, it := range n.Content {
		if it.Kind != yaml.MappingNode || len(it.Content) != 2 {
			p.fail(it, "each phase is one of `- cold: {…}`, `- warm: {…}`, `- load: {…}`, `- burst: {…}`")
			continue
		}
		kind, body := it.Content[0].Value, it.Content[1]
		ph := Phase{Kind: kind, Line: it.Line}
		if body.Kind == yaml.ScalarNode && body.Tag == "!!null" {
			body = &yaml.Node{Kind: yaml.MappingNode, Line: it.Line}
		}
		switch kind {
		case PhaseCold:
			p.cold(body, &ph)
		case PhaseWarm:
			p.warm(body, &ph)
		case PhaseLoad:
			p.load(body, &ph)
		case PhaseBurst:
			p.burst(body, &ph)
		default:
			p.fail(it.Content[0], "unknown phase %q: want cold, warm, load or burst", kind)
			continue
		}
		sc.Phases = append(sc.Phases, ph)
	}
}

func (p *parser) cold(n *yaml.Node, ph *Phase) {
	m := p.mapping(n, "cold", "samples", "strategy", "concurrency", "wait")
	ph.Samples = p.count(m["samples"], "samples", 10)
	ph.Strategy = p.str(m["strategy"], "strategy")
	if ph.Strategy == "" {
		ph.Strategy = StrategyReconfigure
	}
	switch ph.Strategy {
	case StrategyReconfigure, StrategyIdle:
		if v := m["concurrency"]; v != nil {
			p.fail(v, "concurrency applies only to strategy parallel")
		}
	case StrategyParallel:
		ph.Concurrency = p.count(m["concurrency"], "concurrency", ph.Samples)
	default:
		p.fail(m["strategy"], "cold strategy %q: want reconfigure, parallel or idle", ph.Strategy)
	}
	if v := m["wait"]; v != nil {
		if ph.Strategy != StrategyIdle {
			p.fail(v, "wait applies only to strategy idle")
		}
		ph.Wait = p.duration(v, "wait")
	}
}

func (p *parser) warm(n *yaml.Node, ph *Phase) {
	m := p.mapping(n, "warm", "samples", "warmup")
	ph.Samples = p.count(m["samples"], "samples", 100)
	ph.Warmup = 3
	if v := m["warmup"]; v != nil {
		ph.Warmup = p.int(v, "warmup")
		if ph.Warmup < 0 {
			p.fail(v, "warmup must not be negative")
		}
	}
}

func (p *parser) load(n *yaml.Node, ph *Phase) {
	m := p.mapping(n, "load", "rate", "duration", "runs", "fresh", "max_in_flight")
	rateOK := false
	if v := m["rate"]; v == nil {
		p.fail(n, "load needs `rate:` (requests per second)")
	} else if ph.Rate = p.float(v, "rate"); !(ph.Rate > 0 && ph.Rate <= 100000) { // negated so that NaN fails
		p.fail(v, "rate %g: want more than 0 and at most 100000 requests per second", ph.Rate)
	} else {
		rateOK = true
	}
	if v := m["duration"]; v == nil {
		p.fail(n, "load needs `duration:` (e.g. 5m)")
	} else {
		ph.Duration = p.duration(v, "duration")
	}
	ph.Runs = p.count(m["runs"], "runs", 1)
	ph.Fresh = p.bool(m["fresh"], "fresh")
	ph.MaxInFlight = p.count(m["max_in_flight"], "max_in_flight", 1000)
	// Only a valid rate and duration may reach loadgen's Planned: it loops
	// forever when a request's offset overflows time.Duration (a rate of 0 or
	// NaN, or one interval longer than ~292 years).
	if !rateOK || ph.Duration <= 0 {
		return
	}
	if ph.Duration.Seconds()+1/ph.Rate >= maxLoadSeconds {
		p.fail(n, "load at %g rps for %v: the schedule is too long for one run", ph.Rate, ph.Duration)
		return
	}
	if planned := (loadgen.Options{Rate: ph.Rate, Duration: ph.Duration}).Planned(); planned < 1 {
		p.fail(n, "load plans %d requests per run: raise rate or duration", planned)
	}
}

// maxLoadSeconds bounds a load run so every request offset fits in a
// time.Duration, with room to spare for rounding (about 146 years).
const maxLoadSeconds = float64(math.MaxInt64/int64(time.Second)) / 2

func (p *parser) burst(n *yaml.Node, ph *Phase) {
	m := p.mapping(n, "burst", "concurrency", "runs", "fresh")
	ph.Concurrency = p.count(m["concurrency"], "concurrency", 10)
	ph.Runs = p.count(m["runs"], "runs", 1)
	ph.Fresh = p.bool(m["fresh"], "fresh")
}

// count reads a positive whole number, or def when absent.
func (p *parser) count(n *yaml.Node, what string, def int) int {
	if n == nil {
		return def
	}
	v := p.int(n, what)
	if v < 1 || v > 1_000_000 {
		p.fail(n, "%s must be between 1 and 1000000, not %d", what, v)
		return def
	}
	return v
}

func (p *parser) scalar(n *yaml.Node, what string) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		p.fail(n, "%s must be a single value", what)
		return "", false
	}
	return n.Value, true
}

func (p *parser) str(n *yaml.Node, what string) string {
	s, _ := p.scalar(n, what)
	return s
}

func (p *parser) int(n *yaml.Node, what string) int {
	s, ok := p.scalar(n, what)
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		p.fail(n, "%s: %q is not a whole number", what, s)
	}
	return v
}

func (p *parser) float(n *yaml.Node, what string) float64 {
	s, ok := p.scalar(n, what)
	if !ok {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		p.fail(n, "%s: %q is not a number", what, s)
	}
	return v
}

func (p *parser) bool(n *yaml.Node, what string) bool {
	s, ok := p.scalar(n, what)
	if !ok {
		return false
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		p.fail(n, "%s: %q is not true or false", what, s)
	}
	return v
}

func (p *parser) duration(n *yaml.Node, what string) time.Duration {
	s, ok := p.scalar(n, what)
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		p.fail(n, "%s: %q is not a positive duration (like 500ms, 30s, 5m)", what, s)
	}
	return d
}
