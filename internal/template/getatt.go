package template

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Values only the running local services know (a queue's URL holds the port
// fauxqs listens on; its ARN is the one fauxqs reports) are written into
// resolved strings as placeholders, deferOpen + "Id.Attr" + deferClose, and
// replaced by Bind once the services run. The markers are Unicode private-use
// characters: no template writes them, and JSON encoding keeps them as they
// are, so a placeholder survives inside a RedrivePolicy document.
const (
	deferOpen  = "\uE000"
	deferClose = "\uE001"
)

// Deferred attribute names of an AWS::SQS::Queue.
const (
	AttrQueueURL = "QueueUrl"
	AttrArn      = "Arn"
)

// streamLabel stands in for the timestamp at the end of a stream ARN, which
// DynamoDB picks when the stream is enabled.
const streamLabel = "1970-01-01T00:00:00.000"

// deferred returns the placeholder for attribute attr of resource id.
func deferred(id, attr string) string { return deferOpen + id + "." + attr + deferClose }

// Deferred reports whether s holds a value known only once the local services
// run (see Bind).
func Deferred(s string) bool { return strings.Contains(s, deferOpen) }

// firstDeferred returns the "Id.Attr" key of the first placeholder in s.
func firstDeferred(s string) string {
	_, rest, _ := strings.Cut(s, deferOpen)
	key, _, _ := strings.Cut(rest, deferClose)
	return key
}

// Expand replaces every deferred value in s by values[key], where key is
// "LogicalId.Attribute" as in GetAtt ("Orders.QueueUrl", "Orders.Arn").
func Expand(s string, values map[string]string) (string, error) {
	if !Deferred(s) {
		return s, nil
	}
	var b strings.Builder
	for {
		before, rest, ok := strings.Cut(s, deferOpen)
		b.WriteString(before)
		if !ok {
			return b.String(), nil
		}
		key, after, ok := strings.Cut(rest, deferClose)
		if !ok {
			return "", fmt.Errorf("unterminated deferred value in %q", s)
		}
		v, ok := values[key]
		if !ok {
			return "", fmt.Errorf("%s has no value: is the local service for it running?", key)
		}
		b.WriteString(v)
		s = after
	}
}

// Bind replaces the deferred values in every function's environment by
// values, keyed "LogicalId.Attribute" (Expand). Call it once the local
// services run; a function whose environment still needs a missing value is
// an error naming its line.
func (t *Template) Bind(values map[string]string) error {
	file := t.Path
	if file == "" {
		file = parseName
	}
	for i := range t.Functions {
		fn := &t.Functions[i]
		for k, v := range fn.Environment {
			out, err := Expand(v, values)
			if err != nil {
				return fmt.Errorf("%s:%d: function %s: environment variable %s: %w", file, fn.Line, fn.Name, k, err)
			}
			fn.Environment[k] = out
		}
	}
	return nil
}

// getAttArgs splits GetAtt's argument, "Id.Attr" or [Id, Attr]. For the
// tag form arg is the tagged node itself, so its own tag is not looked at.
func getAttArgs(arg *yaml.Node, shown string, at *yaml.Node, what string) (string, string, error) {
	bad := errAt(at, "%s: %s takes Resource.Attribute or [Resource, Attribute]", what, shown)
	switch {
	case arg.Kind == yaml.ScalarNode:
		id, attr, ok := strings.Cut(arg.Value, ".")
		if !ok || id == "" || attr == "" {
			return "", "", bad
		}
		return id, attr, nil
	case arg.Kind == yaml.SequenceNode && len(arg.Content) == 2:
		id, attr := deref(arg.Content[0]), deref(arg.Content[1])
		if !plain(id) || !plain(attr) || id.Value == "" || attr.Value == "" {
			return "", "", bad
		}
		return id.Value, attr.Value, nil
	}
	return "", "", bad
}

// getAtt returns attribute attr of resource id, as CloudFormation's GetAtt
// would for the resources coldstart runs locally.
func (p *parser) getAtt(id, attr string, at *yaml.Node, what string) (string, error) {
	r, ok := p.resources[id]
	if !ok {
		return "", errAt(at, "%s: GetAtt of unknown resource %q", what, id)
	}
	switch r.typ {
	case tableType, simpleTableType, queueType:
		p.use(id)
	}
	switch r.typ {
	case tableType, simpleTableType:
		name, err := p.resourceName(r, at, what)
		if err != nil {
			return "", err
		}
		arn := fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", partition, p.region, accountID, name)
		switch attr {
		case "Arn":
			return arn, nil
		case "StreamArn":
			if r.typ == tableType && get(r.props, "StreamSpecification") != nil {
				return arn + "/stream/" + streamLabel, nil
			}
			return "", errAt(at, "%s: GetAtt %s.StreamArn: table %s has no StreamSpecification", what, id, id)
		}
		return "", errAt(at, "%s: GetAtt %s.%s: a table's attributes are Arn and StreamArn", what, id, attr)
	case queueType:
		switch attr {
		case "QueueName":
			return p.resourceName(r, at, what)
		case AttrArn, AttrQueueURL:
			return deferred(id, attr), nil
		}
		return "", errAt(at, "%s: GetAtt %s.%s: a queue's attributes are Arn, QueueName and QueueUrl", what, id, attr)
	case functionType:
		if attr == "Arn" {
			return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", partition, p.region, accountID, id), nil
		}
		return "", errAt(at, "%s: GetAtt %s.%s: coldstart resolves only a function's Arn", what, id, attr)
	}
	return "", errAt(at, "%s: GetAtt %s.%s: coldstart resolves attributes of %s, %s, %s and %s only, not of %s",
		what, id, attr, tableType, simpleTableType, queueType, functionType, r.typ)
}

// resourceName is the physical name of a table or queue: its TableName or
// QueueName, else the logical ID (with ".fifo" for a FIFO queue, which AWS
// requires). Names may use intrinsics, so they are resolved once and cached;
// a name that refers back to itself is an error rather than a hang.
func (p *parser) resourceName(r *resource, at *yaml.Node, what string) (string, error) {
	if name, ok := p.names[r.id]; ok {
		return name, nil
	}
	if p.naming[r.id] {
		return "", errAt(at, "%s: the name of %s refers to itself", what, r.id)
	}
	if p.naming == nil {
		p.naming, p.names = map[string]bool{}, map[string]string{}
	}
	p.naming[r.id] = true
	defer delete(p.naming, r.id)
	prop := "TableName"
	if r.typ == queueType {
		prop = "QueueName"
	}
	name := r.id
	if n := get(r.props, prop); n != nil {
		s, err := p.str(n, prop)
		if err != nil {
			return "", err
		}
		name = s
	} else if r.typ == queueType {
		fifo, err := p.boolean(get(r.props, "FifoQueue"), "FifoQueue")
		if err != nil {
			return "", err
		}
		if fifo {
			name += fifoSuffix
		}
	}
	p.names[r.id] = name
	return name, nil
}

// use records that the function being read refers to table or queue id.
func (p *parser) use(id string) {
	if p.uses != nil {
		p.uses[id] = true
	}
}
