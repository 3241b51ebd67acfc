package template

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/coldstartlab/coldstart/internal/runtimes"
)

// Lambda's configuration defaults and limits (lambda-spec.md §7).
const (
	defaultMemoryMB = 128
	minMemoryMB     = 128
	maxMemoryMB     = 10240
	defaultTimeout  = 3 * time.Second
	minTimeoutS     = 1
	maxTimeoutS     = 900
	defaultHandler  = "bootstrap"
	defaultArch     = "x86_64"
)

// providedRuntimes run an executable bootstrap; the others are managed
// runtimes (package runtimes).
var providedRuntimes = map[string]bool{"provided.al2023": true, "provided.al2": true, "provided": true}

// function builds one Function from resource r, with Globals.Function
// properties g as fallbacks.
func (p *parser) function(r *resource, g []field) (Function, error) {
	fn := Function{
		Name:         r.id,
		Handler:      defaultHandler,
		MemoryMB:     defaultMemoryMB,
		Timeout:      defaultTimeout,
		Architecture: defaultArch,
		Line:         r.key.Line,
	}
	prop := func(name string) *yaml.Node {
		if v := get(r.props, name); v != nil {
			return v
		}
		return get(g, name)
	}
	var err error
	if err = p.packageType(prop); err != nil {
		return Function{}, err
	}
	if fn.Runtime, err = p.runtime(prop("Runtime"), r); err != nil {
		return Function{}, err
	}
	if h := prop("Handler"); h != nil {
		if fn.Handler, err = p.str(h, "Handler"); err != nil {
			return Function{}, err
		}
		if fn.Handler == "" {
			return Function{}, errAt(h, "Handler is empty")
		}
	} else if IsManaged(fn.Runtime) {
		return Function{}, errAt(r.key, "missing Handler: runtime %s needs one (%s)", fn.Runtime, handlerExample(fn.Runtime))
	}
	if fn.CodeURI, err = p.codeURI(prop, r); err != nil {
		return Function{}, err
	}
	if fn.MemoryMB, err = p.intIn(prop("MemorySize"), "MemorySize", defaultMemoryMB, minMemoryMB, maxMemoryMB, "MB"); err != nil {
		return Function{}, err
	}
	secs, err := p.intIn(prop("Timeout"), "Timeout", int(defaultTimeout/time.Second), minTimeoutS, maxTimeoutS, "seconds")
	if err != nil {
		return Function{}, err
	}
	fn.Timeout = time.Duration(secs) * time.Second
	if fn.Architecture, err = p.architecture(prop("Architectures")); err != nil {
		return Function{}, err
	}
	p.uses = map[string]bool{}
	fn.Environment, err = p.environment(get(g, "Environment"), get(r.props, "Environment"))
	fn.Uses = slices.Sorted(maps.Keys(p.uses))
	p.uses = nil
	if err != nil {
		return Function{}, err
	}
	if m := get(r.meta, "BuildMethod"); m != nil {
		if fn.BuildMethod, err = p.str(m, "Metadata.BuildMethod"); err != nil {
			return Function{}, err
		}
	}
	return fn, nil
}

// packageType rejects container-image functions, which have no CodeUri.
func (p *parser) packageType(prop func(string) *yaml.Node) error {
	n := prop("PackageType")
	if n == nil {
		return nil
	}
	s, err := p.str(n, "PackageType")
	if err != nil {
		return err
	}
	if s == "Image" {
		return errAt(n, "PackageType Image is not supported yet; use a zip function with a local CodeUri")
	}
	return nil
}

// runtime checks Runtime against what the platform can start.
func (p *parser) runtime(n *yaml.Node, r *resource) (string, error) {
	if n == nil {
		return "", errAt(r.key, "missing Runtime")
	}
	s, err := p.str(n, "Runtime")
	if err != nil {
		return "", err
	}
	switch {
	case providedRuntimes[s]:
		return s, nil
	case s == "go1.x":
		return "", errAt(n, "runtime %q was retired by AWS; use provided.al2023 with Metadata: BuildMethod: go1.x", s)
	}
	if _, ok := runtimes.Lookup(s); ok {
		return s, nil
	}
	return "", errAt(n, "%s", runtimes.Unsupported(s))
}

// handlerExample shows a runtime's handler form.
func handlerExample(runtime string) string {
	r, _ := runtimes.Lookup(runtime)
	switch r.Language {
	case runtimes.Node:
		return "e.g. index.handler: the export handler of index.js or index.mjs"
	case runtimes.Python:
		return "e.g. app.lambda_handler: the function lambda_handler of app.py"
	default:
		return "e.g. com.example.Handler::handleRequest"
	}
}

// IsManaged reports whether runtime is a managed runtime (an interpreter
// started by the platform) rather than a provided one (an executable bootstrap).
func IsManaged(runtime string) bool {
	_, ok := runtimes.Lookup(runtime)
	return ok
}

// codeURI returns the absolute code directory, which must exist locally.
func (p *parser) codeURI(prop func(string) *yaml.Node, r *resource) (string, error) {
	if n := prop("InlineCode"); n != nil {
		return "", errAt(n, "InlineCode is not supported; put the code in a directory and set CodeUri")
	}
	n := prop("CodeUri")
	if n == nil {
		return "", errAt(r.key, "missing CodeUri")
	}
	if n.Kind == yaml.MappingNode && !customTag(n.Tag) && !isIntrinsicMap(n) {
		return "", errAt(n, "CodeUri as an S3 object ({Bucket, Key}) is not supported; use a local directory")
	}
	uri, err := p.str(n, "CodeUri")
	if err != nil {
		return "", err
	}
	switch {
	case uri == "":
		return "", errAt(n, "CodeUri is empty")
	case strings.HasPrefix(uri, "s3://"):
		return "", errAt(n, "CodeUri %s is an S3 location; use a local directory", uri)
	}
	dir := filepath.FromSlash(uri)
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(p.dir, dir)
	}
	dir = filepath.Clean(dir)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", errAt(n, "CodeUri directory %s does not exist", dir)
	case err != nil:
		return "", errAt(n, "CodeUri: %w", err)
	case !info.IsDir():
		return "", errAt(n, "CodeUri %s is not a directory (zip files are not supported yet)", dir)
	}
	return dir, nil
}

// isIntrinsicMap reports whether mapping n is a long-form intrinsic.
func isIntrinsicMap(n *yaml.Node) bool {
	if len(n.Content) != 2 {
		return false
	}
	k := deref(n.Content[0]).Value
	return k == "Ref" || strings.HasPrefix(k, "Fn::")
}

// intIn parses a whole number (CloudFormation also accepts "1024" as a
// string) and checks it is within lo..hi.
func (p *parser) intIn(n *yaml.Node, what string, def, lo, hi int, unit string) (int, error) {
	if n == nil {
		return def, nil
	}
	s, err := p.str(n, what)
	if err != nil {
		return def, err
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def, errAt(n, "%s %q is not a whole number", what, s)
	}
	if v < lo || v > hi {
		return def, errAt(n, "%s %d is outside %d..%d %s", what, v, lo, hi, unit)
	}
	return v, nil
}

// architecture reads Architectures, which Lambda requires to hold exactly one
// of x86_64 or arm64.
func (p *parser) architecture(n *yaml.Node) (string, error) {
	if n == nil {
		return defaultArch, nil
	}
	const want = "Architectures must be a list of exactly one of x86_64 or arm64"
	if n.Kind != yaml.SequenceNode || customTag(n.Tag) || len(n.Content) != 1 {
		return "", errAt(n, "%s", want)
	}
	s, err := p.str(n.Content[0], "Architectures")
	if err != nil {
		return "", err
	}
	if s != "x86_64" && s != "arm64" {
		return "", errAt(n.Content[0], "%s, not %q", want, s)
	}
	return s, nil
}

// environment merges Globals and function Environment.Variables key by key
// (the function wins) and validates the result as Lambda would.
func (p *parser) environment(global, local *yaml.Node) (map[string]string, error) {
	env := map[string]string{}
	keys := map[string]*yaml.Node{}
	var last *yaml.Node // the last Variables key, where a size error points
	for _, n := range []*yaml.Node{global, local} {
		if n == nil {
			continue
		}
		fs, err := fields(n, "Environment")
		if err != nil {
			return nil, err
		}
		vars := get(fs, "Variables")
		if vars == nil {
			continue
		}
		last = keyOf(fs, "Variables")
		vfs, err := fields(vars, "Environment.Variables")
		if err != nil {
			return nil, err
		}
		for _, f := range vfs {
			v, err := p.strDeferred(f.val, fmt.Sprintf("environment variable %s", f.key.Value))
			if err != nil {
				return nil, err
			}
			env[f.key.Value] = v
			keys[f.key.Value] = f.key
		}
	}
	if bad, err := checkEnv(env); err != nil {
		if k := keys[bad]; k != nil {
			return nil, &lineError{line: k.Line, err: err}
		}
		return nil, errAt(last, "%w", err)
	}
	return env, nil
}
