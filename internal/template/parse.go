package template

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"

	"gopkg.in/yaml.v3"
)

// functionType is the one resource type that becomes a Function.
const functionType = "AWS::Serverless::Function"

// topLevel lists the sections CloudFormation (plus SAM's Globals) allows; any
// other key is almost always a typo such as "Resource:", worth an error.
var topLevel = map[string]bool{
	"AWSTemplateFormatVersion": true, "Transform": true, "Description": true,
	"Metadata": true, "Parameters": true, "Rules": true, "Mappings": true,
	"Conditions": true, "Globals": true, "Resources": true, "Outputs": true,
}

// logicalID is CloudFormation's rule for resource and parameter names.
var logicalID = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// resource is one entry of Resources, kept for every type so !Ref can name it.
type resource struct {
	id    string
	typ   string
	key   *yaml.Node // the logical ID key, whose line identifies the resource
	props []field    // Properties; nil when absent
	meta  []field    // Metadata; nil when absent
}

// parser holds what intrinsics need to resolve while functions are built.
type parser struct {
	file      string // name used in errors
	dir       string // absolute base for relative CodeUri
	region    string // snapshot of Region
	params    map[string]*yaml.Node
	resources map[string]*resource
	budget    int               // bytes intrinsics may still produce; see maxExpansion
	names     map[string]string // resolved table and queue names, see resourceName
	naming    map[string]bool   // names being resolved, to catch cycles
	uses      map[string]bool   // tables and queues referred to by the function being read
}

// fail formats err as "file:line: ctx: err", taking the line from err when it
// has one.
func (p *parser) fail(err error, fallback int, ctx string) error {
	line := lineOf(err, fallback)
	if ctx == "" {
		return fmt.Errorf("%s:%d: %w", p.file, line, err)
	}
	return fmt.Errorf("%s:%d: %s: %w", p.file, line, ctx, err)
}

func parse(data []byte, file, dir string) (*Template, error) {
	if dir == "" {
		dir = "."
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("template dir: %w", err)
	}
	root, err := decode(data, file)
	if err != nil {
		return nil, err
	}
	p := &parser{file: file, dir: absDir, region: Region, budget: maxExpansion}
	top, err := fields(root, "template")
	if err != nil {
		return nil, p.fail(err, 1, "")
	}
	for _, f := range top {
		if !topLevel[f.key.Value] {
			return nil, p.fail(errAt(f.key, "unknown top-level section %q", f.key.Value), 1, "")
		}
	}
	if err := p.readParameters(get(top, "Parameters")); err != nil {
		return nil, p.fail(err, 1, "")
	}
	globals, err := readGlobals(get(top, "Globals"))
	if err != nil {
		return nil, p.fail(err, 1, "")
	}
	order, err := p.readResources(get(top, "Resources"))
	if err != nil {
		return nil, p.fail(err, 1, "")
	}

	t := &Template{}
	var errs []error
	for _, r := range order {
		if r.typ != functionType {
			continue
		}
		fn, err := p.function(r, globals)
		if err == nil {
			err = p.addFrontDoor(t, r, globals)
		}
		if err != nil {
			errs = append(errs, p.fail(err, r.key.Line, "function "+r.id))
			continue
		}
		t.Functions = append(t.Functions, fn)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := p.checkRoutes(t.Routes); err != nil {
		return nil, err
	}
	if len(t.Functions) == 0 {
		line := 1
		if k := keyOf(top, "Resources"); k != nil {
			line = k.Line
		}
		return nil, fmt.Errorf("%s:%d: no %s in Resources", file, line, functionType)
	}
	sort.Slice(t.Functions, func(i, j int) bool { return t.Functions[i].Name < t.Functions[j].Name })
	if err := p.readServices(order, t); err != nil {
		return nil, err
	}
	return t, nil
}

// readParameters records each parameter's declaration for !Ref.
func (p *parser) readParameters(n *yaml.Node) error {
	p.params = map[string]*yaml.Node{}
	if n == nil {
		return nil
	}
	fs, err := fields(n, "Parameters")
	if err != nil {
		return err
	}
	for _, f := range fs {
		if !logicalID.MatchString(f.key.Value) {
			return errAt(f.key, "parameter name %q must be alphanumeric", f.key.Value)
		}
		if _, err := fields(f.val, "parameter "+f.key.Value); err != nil {
			return err
		}
		p.params[f.key.Value] = deref(f.val)
	}
	return nil
}

// readGlobals returns the properties of Globals.Function; other globals
// (Api, HttpApi, SimpleTable…) do not affect functions and are ignored.
func readGlobals(n *yaml.Node) ([]field, error) {
	if n == nil {
		return nil, nil
	}
	fs, err := fields(n, "Globals")
	if err != nil {
		return nil, err
	}
	fn := get(fs, "Function")
	if fn == nil {
		return nil, nil
	}
	return fields(fn, "Globals.Function")
}

// readResources returns every resource in template order.
func (p *parser) readResources(n *yaml.Node) ([]*resource, error) {
	p.resources = map[string]*resource{}
	if n == nil {
		return nil, nil
	}
	fs, err := fields(n, "Resources")
	if err != nil {
		return nil, err
	}
	order := make([]*resource, 0, len(fs))
	for _, f := range fs {
		id := f.key.Value
		if !logicalID.MatchString(id) {
			return nil, errAt(f.key, "logical ID %q must be alphanumeric", id)
		}
		if _, clash := p.params[id]; clash {
			return nil, errAt(f.key, "logical ID %q is both a parameter and a resource", id)
		}
		what := "resource " + id
		body, err := fields(f.val, what)
		if err != nil {
			return nil, err
		}
		typ := get(body, "Type")
		if typ == nil || typ.Kind != yaml.ScalarNode || typ.Value == "" {
			return nil, errAt(f.key, "%s: missing Type", what)
		}
		r := &resource{id: id, typ: typ.Value, key: f.key}
		if props := get(body, "Properties"); props != nil {
			if r.props, err = fields(props, what+" Properties"); err != nil {
				return nil, err
			}
		}
		if meta := get(body, "Metadata"); meta != nil {
			if r.meta, err = fields(meta, what+" Metadata"); err != nil {
				return nil, err
			}
		}
		p.resources[id] = r
		order = append(order, r)
	}
	return order, nil
}
