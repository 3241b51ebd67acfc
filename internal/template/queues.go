package template

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Queue is an AWS::SQS::Queue, as CreateQueue needs it.
type Queue struct {
	LogicalID string
	Name      string // QueueName, else the logical ID (+ ".fifo" for a FIFO queue)
	FIFO      bool
	// Attributes are CreateQueue's attributes (VisibilityTimeout, FifoQueue,
	// RedrivePolicy as JSON…). RedrivePolicy and RedriveAllowPolicy may hold
	// deferred queue ARNs (see Expand), known once the queues exist.
	Attributes map[string]string
	Line       int // line of the resource in the template
}

// fifoSuffix ends every FIFO queue's name.
const fifoSuffix = ".fifo"

// queueName is SQS's rule: up to 80 characters of letters, digits, - and _,
// where a FIFO queue's name includes its ".fifo".
var queueName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,80}$`)

// queueRanges are the numeric attributes and SQS's limits for them.
var queueRanges = map[string]struct {
	lo, hi int
	unit   string
}{
	"DelaySeconds":                  {0, 900, "seconds"},
	"MaximumMessageSize":            {1024, 1048576, "bytes"},
	"MessageRetentionPeriod":        {60, 1209600, "seconds"},
	"ReceiveMessageWaitTimeSeconds": {0, 20, "seconds"},
	"VisibilityTimeout":             {0, 43200, "seconds"},
	"KmsDataKeyReusePeriodSeconds":  {60, 86400, "seconds"},
}

// fifoOnly are attributes SQS accepts only on FIFO queues.
var fifoOnly = []string{"ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}

// queue reads an SQS queue.
func (p *parser) queue(r *resource) (Queue, error) {
	q := Queue{LogicalID: r.id, Line: r.key.Line, Attributes: map[string]string{}}
	var err error
	if q.FIFO, err = p.boolean(get(r.props, "FifoQueue"), "FifoQueue"); err != nil {
		return Queue{}, err
	}
	if q.Name, err = p.resourceName(r, r.key, "QueueName"); err != nil {
		return Queue{}, err
	}
	if err := checkQueueName(q, r); err != nil {
		return Queue{}, err
	}
	for _, f := range r.props {
		k, n := f.key.Value, get(r.props, f.key.Value)
		if n == nil {
			continue
		}
		var v string
		switch {
		case k == "QueueName", k == "Tags":
			continue
		case k == "FifoQueue":
			if !q.FIFO {
				continue // SQS takes FifoQueue only as true
			}
			v = "true"
		case queueRanges[k].unit != "":
			lim := queueRanges[k]
			i, err := p.intIn(n, k, 0, lim.lo, lim.hi, lim.unit)
			if err != nil {
				return Queue{}, err
			}
			v = strconv.Itoa(i)
		case k == "ContentBasedDeduplication", k == "SqsManagedSseEnabled":
			b, err := p.boolean(n, k)
			if err != nil {
				return Queue{}, err
			}
			v = strconv.FormatBool(b)
		case k == "DeduplicationScope":
			v, err = p.oneOf(n, k, "messageGroup", "queue")
		case k == "FifoThroughputLimit":
			v, err = p.oneOf(n, k, "perQueue", "perMessageGroupId")
		case k == "KmsMasterKeyId":
			v, err = p.str(n, k)
		case k == "RedrivePolicy", k == "RedriveAllowPolicy":
			v, err = p.policy(n, k)
		default:
			return Queue{}, errAt(f.key, "unknown or unsupported property %s", k)
		}
		if err != nil {
			return Queue{}, err
		}
		if !q.FIFO && contains(fifoOnly, k) {
			return Queue{}, errAt(f.key, "%s is only for FIFO queues (FifoQueue: true)", k)
		}
		q.Attributes[k] = v
	}
	return q, nil
}

// checkQueueName applies SQS's naming rules, where a queue is FIFO exactly
// when its name ends in ".fifo".
func checkQueueName(q Queue, r *resource) error {
	at := get(r.props, "QueueName")
	if at == nil {
		at = r.key
	}
	base, fifo := strings.CutSuffix(q.Name, fifoSuffix)
	switch {
	case q.FIFO && !fifo:
		return errAt(at, "FIFO queue name %q must end in .fifo", q.Name)
	case !q.FIFO && fifo:
		return errAt(at, "queue name %q ends in .fifo but FifoQueue is not true", q.Name)
	case !queueName.MatchString(base) || len(q.Name) > 80:
		return errAt(at, "queue name %q must be 1 to 80 of a-z, A-Z, 0-9, - and _ (a FIFO queue's including .fifo)", q.Name)
	}
	return nil
}

// policy turns RedrivePolicy or RedriveAllowPolicy, written as a YAML
// mapping or as a JSON string, into the JSON document SQS takes. Values may
// be intrinsics, typically deadLetterTargetArn: !GetAtt DeadLetters.Arn.
func (p *parser) policy(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.MappingNode || customTag(n.Tag) || isIntrinsicMap(n) {
		s, err := p.strDeferred(n, what)
		if err != nil {
			return "", err
		}
		if !json.Valid([]byte(s)) {
			return "", errAt(n, "%s is not a JSON document", what)
		}
		return s, nil
	}
	v, err := p.jsonValue(n, what)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", errAt(n, "%s: %w", what, err)
	}
	return string(b), nil
}

// jsonValue converts a YAML policy document to JSON values: numbers and
// booleans stay typed (maxReceiveCount: 5), everything else is a string.
func (p *parser) jsonValue(n *yaml.Node, what string) (any, error) {
	n = deref(n)
	// Aliases can make a small document huge: charge every node.
	if p.budget -= subCost; p.budget < 0 {
		return nil, errAt(n, "%s expands to too much text", what)
	}
	switch {
	case n == nil:
		return nil, nil
	case n.Kind == yaml.MappingNode && !customTag(n.Tag) && !isIntrinsicMap(n):
		fs, err := fields(n, what)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(fs))
		for _, f := range fs {
			if out[f.key.Value], err = p.jsonValue(f.val, what+"."+f.key.Value); err != nil {
				return nil, err
			}
		}
		return out, nil
	case n.Kind == yaml.SequenceNode && !customTag(n.Tag):
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := p.jsonValue(c, what)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case plain(n) && n.ShortTag() == "!!int":
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil {
			return nil, errAt(n, "%s: %q is not a whole number", what, n.Value)
		}
		return i, nil
	case plain(n) && n.ShortTag() == "!!bool":
		return strings.EqualFold(n.Value, "true"), nil
	}
	return p.strDeferred(n, what)
}
