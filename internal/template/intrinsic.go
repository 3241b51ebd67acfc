package template

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits that keep hostile or broken templates (anchors feeding nested !Sub)
// from recursing forever or expanding exponentially; real templates are far
// below both.
const (
	maxDepth     = 32
	maxExpansion = 4 << 20 // bytes all !Sub placeholders of a template may produce
	subCost      = 64      // budget charged per placeholder, so empty ones are bounded too
)

// unsupported are intrinsic functions CloudFormation has and coldstart cannot
// evaluate locally; naming them gives a better error than "unknown tag".
var unsupported = map[string]bool{
	"Join": true, "If": true, "Select": true, "Split": true,
	"FindInMap": true, "GetAZs": true, "ImportValue": true, "Base64": true,
	"Cidr": true, "Transform": true, "Equals": true, "And": true, "Or": true,
	"Not": true, "Condition": true, "Length": true, "ToJsonString": true,
	"ForEach": true,
}

// refProps are the properties whose value !Ref of a resource returns, because
// for functions and buckets Ref yields the physical name (except for
// AWS::Serverless::Function, see ref; tables and queues have their own rules).
var refProps = []string{"FunctionName", "BucketName"}

// str resolves n, a value in a string position, to its string; what names the
// property in errors. Numbers and booleans are their YAML text. Values only
// the running services know (a queue's URL) are errors here: see strDeferred.
func (p *parser) str(n *yaml.Node, what string) (string, error) {
	s, err := p.resolve(n, what, 0)
	if err == nil && Deferred(s) {
		return "", errAt(n, "%s: %s is known only once the local services run, so only Environment.Variables and a queue's redrive policies may use it",
			what, firstDeferred(s))
	}
	return s, err
}

// strDeferred is str for the places that may hold deferred values, which
// Template.Bind (or package services, for queue attributes) fills in later.
func (p *parser) strDeferred(n *yaml.Node, what string) (string, error) {
	return p.resolve(n, what, 0)
}

func (p *parser) resolve(n *yaml.Node, what string, depth int) (string, error) {
	n = deref(n)
	if n == nil {
		return "", nil
	}
	if depth > maxDepth {
		return "", errAt(n, "%s: intrinsic functions nested too deeply", what)
	}
	if customTag(n.Tag) {
		return p.intrinsic(strings.TrimPrefix(n.Tag, "!"), n.Tag, n, n, what, depth)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "", nil
		}
		return n.Value, nil
	case yaml.MappingNode:
		if len(n.Content) == 2 {
			k := deref(n.Content[0])
			if k != nil && k.Kind == yaml.ScalarNode && (k.Value == "Ref" || strings.HasPrefix(k.Value, "Fn::")) {
				return p.intrinsic(strings.TrimPrefix(k.Value, "Fn::"), k.Value, deref(n.Content[1]), n, what, depth)
			}
		}
		return "", errAt(n, "%s must be a string, not a mapping", what)
	default:
		return "", errAt(n, "%s must be a string, not a list", what)
	}
}

// intrinsic evaluates function name (shown as written: "!Sub" or "Fn::Sub")
// applied to arg; at is the node errors point to.
func (p *parser) intrinsic(name, shown string, arg, at *yaml.Node, what string, depth int) (string, error) {
	switch {
	case name == "Ref":
		if arg.Kind != yaml.ScalarNode {
			return "", errAt(at, "%s: %s takes a logical ID", what, shown)
		}
		return p.ref(arg.Value, at, what)
	case name == "Sub":
		return p.sub(arg, shown, at, what, depth)
	case name == "GetAtt":
		id, attr, err := getAttArgs(arg, shown, at, what)
		if err != nil {
			return "", err
		}
		return p.getAtt(id, attr, at, what)
	case unsupported[name]:
		return "", errAt(at, "%s: unsupported intrinsic %s (coldstart resolves only !Ref, !Sub and !GetAtt)", what, shown)
	case strings.HasPrefix(shown, "!"):
		return "", errAt(at, "%s: unknown tag %s", what, shown)
	default:
		return "", errAt(at, "%s: unknown intrinsic %s", what, shown)
	}
}

// ref returns what !Ref name means locally: a pseudo parameter, a
// parameter's Default, a resource's name, or a queue's URL.
func (p *parser) ref(name string, at *yaml.Node, what string) (string, error) {
	switch name {
	case "AWS::Region":
		return p.region, nil
	case "AWS::AccountId":
		return accountID, nil
	case "AWS::StackName":
		return stackName, nil
	case "AWS::Partition":
		return partition, nil
	case "AWS::URLSuffix":
		return urlSuffix, nil
	}
	if strings.HasPrefix(name, "AWS::") {
		return "", errAt(at, "%s: unsupported pseudo parameter %s", what, name)
	}
	if decl, ok := p.params[name]; ok {
		fs, _ := fields(decl, "parameter") // checked by readParameters
		def := get(fs, "Default")
		if def == nil {
			return "", errAt(at, "%s: parameter %s has no Default (coldstart does not take parameter overrides)", what, name)
		}
		if !plain(def) {
			return "", errAt(def, "%s: parameter %s: Default must be a plain value", what, name)
		}
		return def.Value, nil
	}
	if r, ok := p.resources[name]; ok {
		switch r.typ {
		case functionType:
			// Locally a function is invoked by its logical ID whatever its
			// FunctionName, so that is the name a sibling must be given.
			return name, nil
		case tableType, simpleTableType:
			p.use(name)
			return p.resourceName(r, at, what)
		case queueType:
			// As on AWS, Ref of a queue is its URL.
			p.use(name)
			return deferred(name, AttrQueueURL), nil
		}
		for _, prop := range refProps {
			if v := get(r.props, prop); plain(v) {
				return v.Value, nil
			}
		}
		return name, nil
	}
	return "", errAt(at, "%s: Ref to unknown parameter or resource %q", what, name)
}

// customTag reports whether tag is an application tag such as !Ref, as
// opposed to no tag or a YAML core tag (!!str).
func customTag(tag string) bool {
	return strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!")
}

// plain reports whether n is a scalar written without an intrinsic.
func plain(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && !customTag(n.Tag)
}

// sub evaluates Fn::Sub: a template string, optionally with its own
// variables ([string, {Name: value}]). ${Name} is a variable, a pseudo
// parameter, a parameter or a resource (as Ref); ${!Text} is a literal
// "${Text}"; ${Resource.Attribute} is GetAtt.
func (p *parser) sub(arg *yaml.Node, shown string, at *yaml.Node, what string, depth int) (string, error) {
	var (
		text string
		vars []field
	)
	switch {
	case arg.Kind == yaml.ScalarNode:
		text = arg.Value
	case arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 && plain(deref(arg.Content[0])):
		text = deref(arg.Content[0]).Value
		var err error
		if vars, err = fields(arg.Content[1], shown+" variables"); err != nil {
			return "", err
		}
	default:
		return "", errAt(at, "%s: %s takes a string or [string, {variables}]", what, shown)
	}

	var b strings.Builder
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		text = text[i+2:]
		if strings.HasPrefix(text, "!") {
			b.WriteString("${")
			text = text[1:]
			continue
		}
		j := strings.IndexByte(text, '}')
		if j < 0 {
			return "", errAt(at, "%s: %s: unterminated ${ in %q", what, shown, text)
		}
		name := strings.TrimSpace(text[:j])
		text = text[j+1:]
		val, err := p.subVar(name, vars, shown, at, what, depth)
		if err != nil {
			return "", err
		}
		b.WriteString(val)
		if p.budget -= len(val) + subCost; p.budget < 0 || b.Len() > maxExpansion {
			return "", errAt(at, "%s: %s expands to too much text", what, shown)
		}
	}
	return b.String(), nil
}

// subVar resolves one ${name} of a Sub.
func (p *parser) subVar(name string, vars []field, shown string, at *yaml.Node, what string, depth int) (string, error) {
	for _, v := range vars {
		if v.key.Value == name {
			return p.resolve(v.val, what, depth+1)
		}
	}
	// Logical IDs are alphanumeric, so a dot can only be Resource.Attribute.
	if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
		return p.getAtt(id, attr, at, what)
	}
	return p.ref(name, at, what)
}
