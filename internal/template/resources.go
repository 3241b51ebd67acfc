package template

import (
	"errors"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Resource types that coldstart creates in its local AWS services (package
// services): DynamoDB tables in dynalite, SQS queues in fauxqs.
const (
	tableType       = "AWS::DynamoDB::Table"
	simpleTableType = "AWS::Serverless::SimpleTable"
	queueType       = "AWS::SQS::Queue"
)

// readServices reads every table and queue of the template into t, reporting
// all broken ones at once, as functions are.
func (p *parser) readServices(order []*resource, t *Template) error {
	var errs []error
	tables := map[string]string{} // physical name → logical ID
	queues := map[string]string{}
	for _, r := range order {
		switch r.typ {
		case tableType, simpleTableType:
			tb, err := p.table(r)
			if err == nil {
				err = unique(tables, tb.Name, r, "table")
			}
			if err != nil {
				errs = append(errs, p.fail(err, r.key.Line, "table "+r.id))
				continue
			}
			t.Tables = append(t.Tables, tb)
		case queueType:
			q, err := p.queue(r)
			if err == nil {
				err = unique(queues, q.Name, r, "queue")
			}
			if err != nil {
				errs = append(errs, p.fail(err, r.key.Line, "queue "+r.id))
				continue
			}
			t.Queues = append(t.Queues, q)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	sort.Slice(t.Tables, func(i, j int) bool { return t.Tables[i].LogicalID < t.Tables[j].LogicalID })
	sort.Slice(t.Queues, func(i, j int) bool { return t.Queues[i].LogicalID < t.Queues[j].LogicalID })
	return nil
}

// unique records name for r in seen, or fails when another resource of the
// same kind has it: the second CreateTable or CreateQueue would fail on AWS too.
func unique(seen map[string]string, name string, r *resource, kind string) error {
	if other, dup := seen[name]; dup {
		return errAt(r.key, "%s %s has the same name %q as %s", kind, r.id, name, other)
	}
	seen[name] = r.id
	return nil
}

// object returns the fields of mapping n, checking every key against known.
// Such structures are read property by property, so they must be written out
// rather than computed by an intrinsic.
func object(n *yaml.Node, what string, known ...string) ([]field, error) {
	n = deref(n)
	if n != nil && (customTag(n.Tag) || (n.Kind == yaml.MappingNode && isIntrinsicMap(n))) {
		return nil, errAt(n, "%s must be written out as a mapping, not computed by an intrinsic", what)
	}
	fs, err := fields(n, what)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if !contains(known, f.key.Value) {
			return nil, errAt(f.key, "%s: unknown property %s (known: %s)", what, f.key.Value, strings.Join(known, ", "))
		}
	}
	return fs, nil
}

// list returns the elements of sequence n.
func list(n *yaml.Node, what string) ([]*yaml.Node, error) {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode || customTag(n.Tag) {
		return nil, errAt(n, "%s must be a list", what)
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out, nil
}

// boolean reads true or false (also as strings, in any case, as
// CloudFormation accepts them); absent is false.
func (p *parser) boolean(n *yaml.Node, what string) (bool, error) {
	if n == nil {
		return false, nil
	}
	s, err := p.str(n, what)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errAt(n, "%s must be true or false, not %q", what, s)
}

// oneOf reads a string that must be one of allowed.
func (p *parser) oneOf(n *yaml.Node, what string, allowed ...string) (string, error) {
	s, err := p.str(n, what)
	if err != nil {
		return "", err
	}
	if !contains(allowed, s) {
		return "", errAt(n, "%s must be one of %s, not %q", what, strings.Join(allowed, ", "), s)
	}
	return s, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
