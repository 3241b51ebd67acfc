package bench

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/coldstartlab/coldstart/internal/runtimes"
	"gopkg.in/yaml.v3"
)

// Scenario is a validated scenario file (format: docs/scenarios.md).
type Scenario struct {
	Path        string // as given
	Raw         []byte // verbatim, for the run header
	Hash        string // sha256 of Raw, hex
	Name        string
	Description string
	Template    string // absolute path of the SAM template (local target)
	Payload     []byte // default payload, JSON
	Memory      []int  // memory sizes to sweep; empty = each function's own
	Variants    []Variant
	Phases      []Phase
	Target      TargetSpec
	Local       LocalSpec
	Pricing     PricingSpec
	ColdRatio   float64 // cold-start share assumed by cost figures (default 0.01)
}

// Variant is one function under test.
type Variant struct {
	Name     string
	Function string // template logical ID (local) or function name/ARN (aws, endpoint)
	Arch     string // pricing label; "" = the function's own
	Payload  []byte // overrides Scenario.Payload
	Line     int
}

// Cold-start forcing strategies (DESIGN.md).
const (
	StrategyReconfigure = "reconfigure"
	StrategyParallel    = "parallel"
	StrategyIdle        = "idle"
)

// Phase is one step run for every variant × memory size, in file order.
type Phase struct {
	Kind string // PhaseCold, PhaseWarm, PhaseLoad, PhaseBurst
	Line int

	Samples     int           // cold, warm: measured invokes
	Strategy    string        // cold
	Concurrency int           // cold/parallel: batch size; burst: concurrent invokes
	Wait        time.Duration // cold/idle: how long to wait between samples (0 = the target's idle lifetime + 1 s)
	Warmup      int           // warm: invokes before measuring
	Rate        float64       // load: requests per second
	Duration    time.Duration // load: length of each run
	Runs        int           // load, burst: repetitions
	Fresh       bool          // load, burst: new environments before each run
	MaxInFlight int           // load: concurrent requests before requests queue in the client
}

// TargetSpec says where to run; command-line flags override it.
type TargetSpec struct {
	Kind     string // local (default) | endpoint | aws
	Endpoint string
	Region   string
	Profile  string
}

// LocalSpec configures the embedded platform of the local target.
type LocalSpec struct {
	IdleTimeout time.Duration // default 2 s, so the idle strategy runs in seconds
	Sandbox     string        // auto | plain | cgroup1 | cgroup2
	CPUScale    float64       // 0 = 1: environments get memory/1769 vCPU
	// Runtimes maps a managed runtime id or language to its interpreter
	// ("nodejs20.x: /usr/bin/node"); the command line's --runtime wins.
	Runtimes map[string]string
}

// PricingSpec overrides the price table.
type PricingSpec struct {
	Region     string
	X86        float64 // USD per GB-second
	ARM        float64
	PerRequest float64 // USD per request
	MBPerGB    float64 // 1024 (AWS); 1000 to reproduce tables that used decimal GB
	SetPrices  bool    // any of the prices above was given
	Line       int
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Load reads and validates a scenario file.
func Load(path string) (*Scenario, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return Parse(raw, path)
}

// Parse validates a scenario. path names it in errors and anchors relative paths.
func Parse(raw []byte, path string) (*Scenario, error) {
	sum := sha256.Sum256(raw)
	sc := &Scenario{Path: path, Raw: raw, Hash: hex.EncodeToString(sum[:]), ColdRatio: 0.01,
		Local: LocalSpec{IdleTimeout: 2 * time.Second}}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		// yaml.v3 says "yaml: line 3: …"; say "file:3: …" like every other error.
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", path, m[1], m[2])
		}
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(msg, "yaml: "))
	}
	p := &parser{file: path, dir: filepath.Dir(path)}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty scenario", path)
	}
	p.scenario(doc.Content[0], sc)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return sc, nil
}

// parser collects every problem, each with its line.
type parser struct {
	file string
	dir  string
	errs []error
}

func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, fmt.Errorf("%s:%d: %s", p.file, line, fmt.Sprintf(format, args...)))
}

// mapping returns a mapping node's keys and values, reporting keys not in allowed.
func (p *parser) mapping(n *yaml.Node, what string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.fail(n, "%s must be a mapping", what)
		return out
	}
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !ok[k.Value]:
			p.fail(k, "unknown key %q in %s (known: %v)", k.Value, what, allowed)
		case out[k.Value] != nil:
			p.fail(k, "%s: key %q given twice", what, k.Value)
		default:
			out[k.Value] = v
		}
	}
	return out
}

func (p *parser) scenario(n *yaml.Node, sc *Scenario) {
	m := p.mapping(n, "the scenario", "name", "description", "template", "payload", "payload_file",
		"memory", "variants", "phases", "target", "local", "pricing", "cold_ratio")
	sc.Name = p.str(m["name"], "name")
	if sc.Name == "" {
		sc.Name = trimExt(filepath.Base(p.file))
	}
	sc.Description = p.str(m["description"], "description")
	if t := p.str(m["template"], "template"); t != "" {
		sc.Template = p.abs(t)
	}
	sc.Payload = p.payload(m["payload"], m["payload_file"], n)
	if sc.Payload == nil {
		sc.Payload = []byte("{}")
	}
	if v := m["memory"]; v != nil {
		sc.Memory = p.memory(v)
	}
	if v := m["cold_ratio"]; v != nil {
		sc.ColdRatio = p.float(v, "cold_ratio")
		if !(sc.ColdRatio >= 0 && sc.ColdRatio <= 1) { // negated so that NaN fails
			p.fail(v, "cold_ratio must be between 0 and 1 (a share: 0.01 is 1%%)")
		}
	}
	if v := m["target"]; v != nil {
		p.target(v, &sc.Target)
	}
	if v := m["local"]; v != nil {
		p.local(v, &sc.Local)
	}
	if v := m["pricing"]; v != nil {
		p.pricing(v, &sc.Pricing)
	}
	if v := m["variants"]; v == nil {
		p.fail(n, "no variants: list the functions to compare under `variants:`")
	} else {
		p.variants(v, sc)
	}
	if v := m["phases"]; v == nil {
		p.fail(n, "no phases: add at least one of cold, warm, load, burst under `phases:`")
	} else {
		p.phases(v, sc)
	}
	if sc.Target.Kind == "" || sc.Target.Kind == "local" {
		if sc.Template == "" && len(p.errs) == 0 {
			// The local target needs a template; default to one beside the scenario.
			sc.Template = p.abs("template.yaml")
		}
	}
}

func (p *parser) abs(rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	a, _ := filepath.Abs(filepath.Join(p.dir, rel))
	return a
}

func trimExt(s string) string { return s[:len(s)-len(filepath.Ext(s))] }

func (p *parser) payload(inline, file, parent *yaml.Node) []byte {
	switch {
	case inline != nil && file != nil:
		p.fail(file, "give payload or payload_file, not both")
		return nil
	case inline != nil:
		s := p.str(inline, "payload")
		if !json.Valid([]byte(s)) {
			p.fail(inline, "payload is not valid JSON: %q (a JSON string needs its own quotes: payload: '\"hi\"')", s)
		}
		return []byte(s)
	case file != nil:
		path := p.abs(p.str(file, "payload_file"))
		b, err := os.ReadFile(path)
		if err != nil {
			p.fail(file, "payload_file: %v", err)
			return nil
		}
		if !json.Valid(b) {
			p.fail(file, "payload_file %s is not valid JSON", path)
		}
		return b
	}
	return nil
}

func (p *parser) memory(n *yaml.Node) []int {
	var out []int
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	seen := map[int]bool{}
	for _, it := range items {
		mb := p.int(it, "memory")
		switch {
		case mb < 128 || mb > 10240:
			p.fail(it, "memory %d MB is outside Lambda's 128–10240 MB", mb)
		case seen[mb]:
			p.fail(it, "memory %d MB listed twice", mb)
		default:
			seen[mb] = true
			out = append(out, mb)
		}
	}
	if len(out) == 0 && len(items) == 0 {
		p.fail(n, "memory: empty list (omit it to keep each function's own memory size)")
	}
	return out
}

func (p *parser) variants(n *yaml.Node, sc *Scenario) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.fail(n, "variants must be a non-empty list")
		return
	}
	names := map[string]bool{}
	for _, it := range n.Content {
		m := p.mapping(it, "a variant", "name", "function", "arch", "payload", "payload_file")
		v := Variant{Line: it.Line, Function: p.str(m["function"], "function"), Name: p.str(m["name"], "name"),
			Arch: p.str(m["arch"], "arch"), Payload: p.payload(m["payload"], m["payload_file"], it)}
		if v.Function == "" {
			p.fail(it, "variant without `function:` (a template function's logical ID, or a function name or ARN on AWS)")
		}
		if v.Name == "" {
			v.Name = v.Function
		}
		if names[v.Name] {
			p.fail(it, "two variants are named %q; give each a distinct `name:`", v.Name)
		}
		names[v.Name] = true
		if v.Arch != "" && v.Arch != "x86_64" && v.Arch != "arm64" {
			p.fail(m["arch"], "arch %q: want x86_64 or arm64", v.Arch)
		}
		sc.Variants = append(sc.Variants, v)
	}
}

func (p *parser) target(n *yaml.Node, t *TargetSpec) {
	m := p.mapping(n, "target", "kind", "endpoint", "region", "profile")
	t.Kind = p.str(m["kind"], "kind")
	t.Endpoint = p.str(m["endpoint"], "endpoint")
	t.Region = p.str(m["region"], "region")
	t.Profile = p.str(m["profile"], "profile")
	switch t.Kind {
	case "", "local", "aws":
	case "endpoint":
		if t.Endpoint == "" {
			p.fail(n, "target kind endpoint needs `endpoint:` (e.g. http://127.0.0.1:3001)")
		}
	default:
		p.fail(m["kind"], "target kind %q: want local, endpoint or aws", t.Kind)
	}
}

func (p *parser) local(n *yaml.Node, l *LocalSpec) {
	m := p.mapping(n, "local", "idle_timeout", "sandbox", "cpu_scale", "runtimes")
	if v := m["idle_timeout"]; v != nil {
		l.IdleTimeout = p.duration(v, "idle_timeout")
	}
	l.Sandbox = p.str(m["sandbox"], "sandbox")
	switch l.Sandbox {
	case "", "auto", "plain", "cgroup1", "cgroup2":
	default:
		p.fail(m["sandbox"], "sandbox %q: want auto, plain, cgroup1 or cgroup2", l.Sandbox)
	}
	if v := m["cpu_scale"]; v != nil {
		l.CPUScale = p.float(v, "cpu_scale")
		if !(l.CPUScale > 0 && l.CPUScale <= 64) {
			p.fail(v, "cpu_scale must be more than 0 and at most 64")
		}
	}
	if v := m["runtimes"]; v != nil {
		p.runtimes(v, l)
	}
}

// runtimes reads `runtimes: {nodejs20.x: /usr/bin/node, python: /usr/bin/python3.12}`.
func (p *parser) runtimes(n *yaml.Node, l *LocalSpec) {
	if n.Kind != yaml.MappingNode {
		p.fail(n, "runtimes must be a mapping of runtime id or language to interpreter path")
		return
	}
	l.Runtimes = map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if err := runtimes.CheckOverride(k.Value, p.str(v, k.Value)); err != nil {
			p.fail(k, "runtimes: %v", err)
			continue
		}
		l.Runtimes[k.Value] = v.Value
	}
}

func (p *parser) pricing(n *yaml.Node, ps *PricingSpec) {
	m := p.mapping(n, "pricing", "region", "x86_64", "arm64", "request", "mb_per_gb")
	ps.Line = n.Line
	ps.Region = p.str(m["region"], "region")
	for key, dst := range map[string]*float64{"x86_64": &ps.X86, "arm64": &ps.ARM, "request": &ps.PerRequest} {
		if v := m[key]; v != nil {
			*dst = p.float(v, key)
			ps.SetPrices = true
			if !(*dst >= 0) || math.IsInf(*dst, 0) { // NaN fails too
				p.fail(v, "%s price must be a finite number, not negative", key)
			}
		}
	}
	if v := m["mb_per_gb"]; v != nil {
		ps.MBPerGB = p.float(v, "mb_per_gb")
		if ps.MBPerGB != 1024 && ps.MBPerGB != 1000 {
			p.fail(v, "mb_per_gb must be 1024 (as AWS bills) or 1000")
		}
	}
}
