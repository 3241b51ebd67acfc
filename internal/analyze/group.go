package analyze

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/coldstartlab/coldstart/internal/bench"
	"github.com/coldstartlab/coldstart/internal/reportlog"
)

// functionErrorUnhandled is what Invoke returns in X-Amz-Function-Error
// for the invokes whose REPORT carries a Status (timeouts, crashes, init
// errors): the imported sample says so, so reports count it as failed.
const functionErrorUnhandled = "Unhandled"

// grouper names variants.
//
// Notes: the rules, in order —
//   - --label: one variant for everything;
//   - the function name, when the logs tell it (a /aws/lambda/<fn> log
//     group, the JSON log format's functionName/functionArn, Logs Insights'
//     @log); a file whose named records all name one function lends it to
//     its other records;
//   - else the file name without extensions ("stdin" for -), so two
//     captures of different functions stay apart;
//   - then, without --label, a variant whose records ran more than one
//     version (from the log stream's [version] or the START line) is split
//     into name:version per version.
//
// Memory sizes need no rule: samples carry Memory Size and reports group
// variant × memory.
type grouper struct {
	label    string
	stems    []string        // per file: its name for variants
	fileFn   []string        // per file: the one function it names, or ""
	versions map[string]bool // base + "\x00" + version seen
	split    map[string]bool // bases with more than one version
}

func newGrouper(files []input, label string) *grouper {
	g := &grouper{label: label, versions: map[string]bool{}, split: map[string]bool{}}
	g.stems = stems(files)
	for _, f := range files {
		fns := map[string]bool{}
		for _, r := range f.scan.Reports {
			if r.Function != "" {
				fns[r.Function] = true
			}
		}
		for _, r := range f.scan.InitReports {
			if r.Function != "" {
				fns[r.Function] = true
			}
		}
		one := ""
		if len(fns) == 1 {
			for fn := range fns {
				one = fn
			}
		}
		g.fileFn = append(g.fileFn, one)
	}
	perBase := map[string]int{}
	for i, f := range files {
		for _, r := range f.scan.Reports {
			b := g.base(i, r.Function)
			if r.Version != "" && !g.versions[b+"\x00"+r.Version] {
				g.versions[b+"\x00"+r.Version] = true
				perBase[b]++
			}
		}
	}
	for b, n := range perBase {
		g.split[b] = n > 1 && label == ""
	}
	return g
}

// base is a record's variant before any split by version.
func (g *grouper) base(file int, function string) string {
	switch {
	case g.label != "":
		return g.label
	case function != "":
		return function
	case g.fileFn[file] != "":
		return g.fileFn[file]
	}
	return g.stems[file]
}

func (g *grouper) variant(file int, r reportlog.Record) string {
	b := g.base(file, r.Function)
	if g.split[b] && r.Version != "" {
		return b + ":" + r.Version
	}
	return b
}

// stems names files for variants: the base name without extensions, or the
// cleaned path when two files share a base name.
func stems(files []input) []string {
	out := make([]string, len(files))
	count := map[string]int{}
	for i, f := range files {
		out[i] = stem(f.path)
		count[out[i]]++
	}
	for i, f := range files {
		if count[out[i]] > 1 && f.path != "-" {
			out[i] = strings.TrimSuffix(filepath.ToSlash(filepath.Clean(f.path)), filepath.Ext(f.path))
		}
	}
	return out
}

func stem(path string) string {
	if path == "-" {
		return "stdin"
	}
	name := filepath.Base(path)
	name = strings.TrimSuffix(name, ".gz")
	if s := strings.TrimSuffix(name, filepath.Ext(name)); s != "" {
		name = s
	}
	return name
}

// build turns the scans into results and their summary.
func build(files []input, o Options, arch, sum string) (*bench.Results, Summary) {
	g := newGrouper(files, o.Label)
	res := &bench.Results{}
	summary := summarizeFiles(files)
	var paths []string
	for _, f := range files {
		paths = append(paths, displayName(f.path))
	}
	res.Run = bench.Run{
		Kind: bench.KindRun, ID: "cloudwatch-" + sum[:12], ScenarioPath: strings.Join(paths, " "), ScenarioHash: sum,
		Target: bench.TargetInfo{Kind: TargetKind, Region: o.Region}, Version: o.Version,
	}
	b := &builder{res: res, sum: &summary, arch: arch, seq: map[groupKey]int{}, variants: map[string]*variantAcc{},
		groups: map[groupKey]int{}, seen: map[dupKey]bool{}, regions: map[string]bool{}}
	for i, f := range files {
		for _, r := range f.scan.Reports {
			b.add(g.variant(i, r), r)
		}
	}
	b.finish()
	if res.Run.Target.Region == "" && len(b.regions) == 1 {
		for r := range b.regions {
			res.Run.Target.Region = r
		}
	}
	summary.Region = res.Run.Target.Region
	res.Warnings = append(res.Warnings, fileWarnings(files, len(res.Samples) > 0)...)
	res.Warnings = append(res.Warnings, initWarnings(files, g)...)
	if summary.Duplicates > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s counted once (same request id, numbers and time)", plural(summary.Duplicates, "duplicate REPORT line")))
	}
	if b.restores > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s counted as warm invokes: SnapStart restores have Restore Duration, not Init Duration", plural(b.restores, "REPORT with Restore Duration")))
	}
	return res, summary
}

// builder accumulates samples.
type builder struct {
	res      *bench.Results
	sum      *Summary
	arch     string
	seq      map[groupKey]int // variant/memory/phase → next Seq
	variants map[string]*variantAcc
	order    []string
	groups   map[groupKey]int // variant/memory → index in sum.Groups
	seen     map[dupKey]bool
	regions  map[string]bool
	restores int
	cold     int
}

type groupKey struct {
	variant  string
	memoryMB int
	phase    string
}

// dupKey identifies a REPORT: the same request with the same numbers (at
// the same time, when known) is the same line read twice, while an async
// retry of a request has its own numbers.
type dupKey struct {
	id                string
	duration, init    float64
	billed            int64
	memory, maxMemory int
	status            string
	at                int64
}

// variantAcc is what is known of one variant's function.
type variantAcc struct {
	functions map[string]bool
	memory    map[int]bool
}

func (b *builder) add(variant string, r reportlog.Record) {
	rep := r.Report
	key := dupKey{id: rep.RequestID, duration: rep.DurationMS, init: rep.InitDurationMS, billed: rep.BilledMS,
		memory: rep.MemorySizeMB, maxMemory: rep.MaxMemoryUsedMB, status: rep.Status}
	if !r.Timestamp.IsZero() {
		key.at = r.Timestamp.UnixNano()
	}
	if b.seen[key] {
		b.sum.Duplicates++
		return
	}
	b.seen[key] = true

	phase := bench.PhaseWarm
	if rep.HasInit {
		phase = bench.PhaseCold
		b.cold++
	} else if rep.HasRestore {
		b.restores++
	}
	seqKey := groupKey{variant, rep.MemorySizeMB, phase}
	s := bench.Sample{
		Kind: bench.KindSample, Run: b.res.Run.ID, Variant: variant, Phase: phase, MemoryMB: rep.MemorySizeMB, Arch: b.arch,
		Seq: b.seq[seqKey], RequestID: r.RequestID, Cold: rep.HasInit, InitMS: rep.InitDurationMS,
		DurationMS: rep.DurationMS, BilledMS: rep.BilledMS, MaxMemoryMB: rep.MaxMemoryUsedMB,
		DoneAt: r.Timestamp, Status: 200, ReportStatus: rep.Status, ErrorType: rep.ErrorType,
	}
	b.seq[seqKey]++
	if rep.Status != "" {
		s.FunctionError = functionErrorUnhandled
	}
	b.res.Samples = append(b.res.Samples, s)

	if !r.Timestamp.IsZero() && (b.res.Run.Started.IsZero() || r.Timestamp.Before(b.res.Run.Started)) {
		b.res.Run.Started = r.Timestamp
	}
	if r.Region != "" {
		b.regions[r.Region] = true
	}
	v := b.variants[variant]
	if v == nil {
		v = &variantAcc{functions: map[string]bool{}, memory: map[int]bool{}}
		b.variants[variant] = v
		b.order = append(b.order, variant)
	}
	if r.Function != "" {
		v.functions[r.Function] = true
	}
	v.memory[rep.MemorySizeMB] = true

	gk := groupKey{variant: variant, memoryMB: rep.MemorySizeMB}
	i, ok := b.groups[gk]
	if !ok {
		i = len(b.sum.Groups)
		b.groups[gk] = i
		b.sum.Groups = append(b.sum.Groups, GroupSummary{Variant: variant, MemoryMB: rep.MemorySizeMB})
	}
	gs := &b.sum.Groups[i]
	gs.Invokes++
	if rep.HasInit {
		gs.Cold++
	} else {
		gs.Warm++
	}
	if rep.Status != "" {
		gs.Failed++
	}
}

func (b *builder) finish() {
	for _, name := range b.order {
		v := b.variants[name]
		info := bench.VariantInfo{Name: name, Arch: b.arch}
		if len(v.functions) == 1 {
			for fn := range v.functions {
				info.Function = fn
			}
		}
		if len(v.memory) == 1 {
			for mb := range v.memory {
				info.MemoryMB = mb
			}
		}
		b.res.Run.Variants = append(b.res.Run.Variants, info)
	}
	b.sum.Samples = len(b.res.Samples)
	b.sum.Cold = b.cold
	if n := len(b.res.Samples); n > 0 && b.cold > 0 {
		b.res.Run.ColdRatio = float64(b.cold) / float64(n)
	}
	b.sum.ColdRatio = b.res.Run.ColdRatio
}

// fileWarnings says per file what was not used.
func fileWarnings(files []input, anySamples bool) []string {
	var out []string
	for _, f := range files {
		name, s := displayName(f.path), f.scan
		if s.Malformed > 0 {
			w := fmt.Sprintf("%s: %s skipped", name, plural(s.Malformed, "malformed platform line"))
			if len(s.Examples) > 0 {
				e := s.Examples[0]
				w += fmt.Sprintf(" (first: line %d: %s)", e.Line, e.Err)
			}
			out = append(out, w)
		}
		if len(s.Missing) > 0 {
			out = append(out, fmt.Sprintf("%s: the export has no %s column, so those values are 0 (add them to the query's fields)",
				name, strings.Join(s.Missing, ", ")))
		}
		if anySamples && len(s.Reports) == 0 {
			out = append(out, fmt.Sprintf("%s: no REPORT lines", name))
		}
	}
	return out
}

// initWarnings counts failed inits (INIT_REPORT with a Status) per variant.
func initWarnings(files []input, g *grouper) []string {
	type acc struct {
		n     int
		types map[string]bool
	}
	byVariant := map[string]*acc{}
	var order []string
	for i, f := range files {
		for _, r := range f.scan.InitReports {
			if r.Report.Status == "" {
				continue
			}
			name := g.base(i, r.Function)
			a := byVariant[name]
			if a == nil {
				a = &acc{types: map[string]bool{}}
				byVariant[name] = a
				order = append(order, name)
			}
			a.n++
			if t := r.Report.ErrorType; t != "" {
				a.types[t] = true
			} else {
				a.types[r.Report.Status] = true
			}
		}
	}
	var out []string
	for _, name := range order {
		a := byVariant[name]
		var types []string
		for t := range a.types {
			types = append(types, t)
		}
		sort.Strings(types)
		out = append(out, fmt.Sprintf("%s: %s (INIT_REPORT: %s); the invokes they delayed are in the REPORTs",
			name, plural(a.n, "failed init"), strings.Join(types, ", ")))
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
