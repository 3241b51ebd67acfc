package template

import (
	"regexp"

	"gopkg.in/yaml.v3"
)

// Table is an AWS::DynamoDB::Table, or the table an
// AWS::Serverless::SimpleTable stands for, as CreateTable needs it.
type Table struct {
	LogicalID      string
	Name           string // TableName, else the logical ID
	KeySchema      []KeyElement
	Attributes     []AttributeDefinition
	BillingMode    string      // "PROVISIONED" (CloudFormation's default) or "PAY_PER_REQUEST"
	Throughput     *Throughput // set exactly when BillingMode is PROVISIONED
	GlobalIndexes  []Index
	LocalIndexes   []Index
	StreamViewType string // from StreamSpecification; "" without a stream. Streams are not emulated.
	TTLAttribute   string // from an enabled TimeToLiveSpecification; recorded, not enforced
	Line           int    // line of the resource in the template
}

// KeyElement is one attribute of a key schema.
type KeyElement struct {
	AttributeName string
	KeyType       string // "HASH" or "RANGE"
}

// AttributeDefinition declares the type of a key attribute.
type AttributeDefinition struct {
	AttributeName string
	AttributeType string // "S", "N" or "B"
}

// Throughput is a provisioned table's or index's capacity.
type Throughput struct {
	ReadCapacityUnits, WriteCapacityUnits int64
}

// Index is a global or local secondary index.
type Index struct {
	Name             string
	KeySchema        []KeyElement
	ProjectionType   string // "ALL", "KEYS_ONLY", "INCLUDE", or "" to leave it to the service
	NonKeyAttributes []string
	Throughput       *Throughput // global indexes of PROVISIONED tables
}

// Table properties: those that shape the table, and those accepted because
// they change nothing a function can observe locally (encryption, backups,
// tags, deletion protection, table class, capacity hints).
var (
	tableProps = []string{
		"TableName", "KeySchema", "AttributeDefinitions", "BillingMode", "ProvisionedThroughput",
		"GlobalSecondaryIndexes", "LocalSecondaryIndexes", "StreamSpecification", "TimeToLiveSpecification",
	}
	tableNoEffect = []string{
		"SSESpecification", "Tags", "PointInTimeRecoverySpecification", "DeletionProtectionEnabled",
		"TableClass", "ContributorInsightsSpecification", "OnDemandThroughput", "WarmThroughput",
		"ResourcePolicy", "KinesisStreamSpecification",
	}
	simpleTableProps = []string{
		"TableName", "PrimaryKey", "ProvisionedThroughput", "Tags", "SSESpecification", "PointInTimeRecoverySpecification",
	}
	indexProps = []string{
		"IndexName", "KeySchema", "Projection", "ProvisionedThroughput",
		"ContributorInsightsSpecification", "OnDemandThroughput", "WarmThroughput",
	}
)

// tableName is DynamoDB's rule for table and index names.
var tableName = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)

// table reads a DynamoDB table or a SAM SimpleTable.
func (p *parser) table(r *resource) (Table, error) {
	if r.typ == simpleTableType {
		return p.simpleTable(r)
	}
	t := Table{LogicalID: r.id, Line: r.key.Line, BillingMode: "PROVISIONED"}
	for _, f := range r.props {
		switch k := f.key.Value; {
		case k == "ImportSourceSpecification":
			return Table{}, errAt(f.key, "ImportSourceSpecification is not supported: local tables start empty")
		case !contains(tableProps, k) && !contains(tableNoEffect, k):
			return Table{}, errAt(f.key, "unknown or unsupported property %s", k)
		}
	}
	var err error
	if t.Name, err = p.tableName(r); err != nil {
		return Table{}, err
	}
	ks := get(r.props, "KeySchema")
	if ks == nil {
		return Table{}, errAt(r.key, "missing KeySchema")
	}
	if t.KeySchema, err = p.keySchema(ks, "KeySchema"); err != nil {
		return Table{}, err
	}
	if t.Attributes, err = p.attributeDefinitions(get(r.props, "AttributeDefinitions"), r); err != nil {
		return Table{}, err
	}
	if n := get(r.props, "BillingMode"); n != nil {
		if t.BillingMode, err = p.oneOf(n, "BillingMode", "PROVISIONED", "PAY_PER_REQUEST"); err != nil {
			return Table{}, err
		}
	}
	provisioned := t.BillingMode == "PROVISIONED"
	if t.Throughput, err = p.capacity(get(r.props, "ProvisionedThroughput"), "ProvisionedThroughput", provisioned, r.key); err != nil {
		return Table{}, err
	}
	if n := get(r.props, "GlobalSecondaryIndexes"); n != nil {
		if t.GlobalIndexes, err = p.indexes(n, "GlobalSecondaryIndexes", provisioned); err != nil {
			return Table{}, err
		}
	}
	if n := get(r.props, "LocalSecondaryIndexes"); n != nil {
		if t.LocalIndexes, err = p.indexes(n, "LocalSecondaryIndexes", false); err != nil {
			return Table{}, err
		}
	}
	if n := get(r.props, "StreamSpecification"); n != nil {
		fs, err := object(n, "StreamSpecification", "StreamViewType", "ResourcePolicy")
		if err != nil {
			return Table{}, err
		}
		if t.StreamViewType, err = p.oneOf(get(fs, "StreamViewType"), "StreamSpecification.StreamViewType",
			"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"); err != nil {
			return Table{}, err
		}
	}
	if n := get(r.props, "TimeToLiveSpecification"); n != nil {
		fs, err := object(n, "TimeToLiveSpecification", "AttributeName", "Enabled")
		if err != nil {
			return Table{}, err
		}
		on, err := p.boolean(get(fs, "Enabled"), "TimeToLiveSpecification.Enabled")
		if err != nil {
			return Table{}, err
		}
		if a := get(fs, "AttributeName"); on && a != nil {
			if t.TTLAttribute, err = p.str(a, "TimeToLiveSpecification.AttributeName"); err != nil {
				return Table{}, err
			}
		}
	}
	return t, checkKeys(t, r)
}

// simpleTable reads SAM's AWS::Serverless::SimpleTable: one partition key
// (default id, a string), on-demand unless ProvisionedThroughput is given.
func (p *parser) simpleTable(r *resource) (Table, error) {
	for _, f := range r.props {
		if !contains(simpleTableProps, f.key.Value) {
			return Table{}, errAt(f.key, "unknown or unsupported property %s", f.key.Value)
		}
	}
	t := Table{LogicalID: r.id, Line: r.key.Line, BillingMode: "PAY_PER_REQUEST"}
	var err error
	if t.Name, err = p.tableName(r); err != nil {
		return Table{}, err
	}
	key, typ := "id", "S"
	if n := get(r.props, "PrimaryKey"); n != nil {
		fs, err := object(n, "PrimaryKey", "Name", "Type")
		if err != nil {
			return Table{}, err
		}
		if k := get(fs, "Name"); k != nil {
			if key, err = p.str(k, "PrimaryKey.Name"); err != nil {
				return Table{}, err
			}
		}
		tn := get(fs, "Type")
		if tn == nil {
			return Table{}, errAt(n, "PrimaryKey.Type is missing (String, Number or Binary)")
		}
		long, err := p.oneOf(tn, "PrimaryKey.Type", "String", "Number", "Binary")
		if err != nil {
			return Table{}, err
		}
		typ = long[:1]
	}
	t.KeySchema = []KeyElement{{AttributeName: key, KeyType: "HASH"}}
	t.Attributes = []AttributeDefinition{{AttributeName: key, AttributeType: typ}}
	if n := get(r.props, "ProvisionedThroughput"); n != nil {
		t.BillingMode = "PROVISIONED"
		if t.Throughput, err = p.capacity(n, "ProvisionedThroughput", true, r.key); err != nil {
			return Table{}, err
		}
	}
	return t, nil
}

// tableName resolves and checks the table's name.
func (p *parser) tableName(r *resource) (string, error) {
	name, err := p.resourceName(r, r.key, "TableName")
	if err != nil {
		return "", err
	}
	if !tableName.MatchString(name) {
		at := get(r.props, "TableName")
		if at == nil {
			at = r.key
		}
		return "", errAt(at, "table name %q must be 3 to 255 of a-z, A-Z, 0-9, _, - and .", name)
	}
	return name, nil
}

// keySchema reads a partition key and an optional sort key, in that order.
func (p *parser) keySchema(n *yaml.Node, what string) ([]KeyElement, error) {
	items, err := list(n, what)
	if err != nil {
		return nil, err
	}
	if len(items) < 1 || len(items) > 2 {
		return nil, errAt(n, "%s must have a HASH key and at most one RANGE key", what)
	}
	var out []KeyElement
	for i, it := range items {
		fs, err := object(it, what, "AttributeName", "KeyType")
		if err != nil {
			return nil, err
		}
		name, err := p.required(fs, it, what, "AttributeName")
		if err != nil {
			return nil, err
		}
		want := []string{"HASH", "RANGE"}[i]
		kt := get(fs, "KeyType")
		if kt == nil {
			return nil, errAt(it, "%s: KeyType is missing (%s)", what, want)
		}
		typ, err := p.oneOf(kt, what+" KeyType", "HASH", "RANGE")
		if err != nil {
			return nil, err
		}
		if typ != want {
			return nil, errAt(kt, "%s: element %d must be the %s key, not %s", what, i+1, want, typ)
		}
		out = append(out, KeyElement{AttributeName: name, KeyType: typ})
	}
	if len(out) == 2 && out[0].AttributeName == out[1].AttributeName {
		return nil, errAt(n, "%s: HASH and RANGE keys are both %q", what, out[0].AttributeName)
	}
	return out, nil
}

// attributeDefinitions reads the key attributes' types.
func (p *parser) attributeDefinitions(n *yaml.Node, r *resource) ([]AttributeDefinition, error) {
	if n == nil {
		return nil, errAt(r.key, "missing AttributeDefinitions")
	}
	items, err := list(n, "AttributeDefinitions")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []AttributeDefinition
	for _, it := range items {
		fs, err := object(it, "AttributeDefinitions", "AttributeName", "AttributeType")
		if err != nil {
			return nil, err
		}
		name, err := p.required(fs, it, "AttributeDefinitions", "AttributeName")
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, errAt(it, "AttributeDefinitions: %q is defined twice", name)
		}
		seen[name] = true
		tn := get(fs, "AttributeType")
		if tn == nil {
			return nil, errAt(it, "AttributeDefinitions: AttributeType of %q is missing (S, N or B)", name)
		}
		typ, err := p.oneOf(tn, "AttributeType", "S", "N", "B")
		if err != nil {
			return nil, err
		}
		out = append(out, AttributeDefinition{AttributeName: name, AttributeType: typ})
	}
	return out, nil
}

// capacity reads ProvisionedThroughput, which PROVISIONED tables need and
// on-demand ones must not have (DynamoDB's CreateTable rules).
func (p *parser) capacity(n *yaml.Node, what string, provisioned bool, owner *yaml.Node) (*Throughput, error) {
	switch {
	case n == nil && provisioned:
		return nil, errAt(owner, "missing %s (BillingMode PROVISIONED needs it; use BillingMode: PAY_PER_REQUEST for on-demand)", what)
	case n == nil:
		return nil, nil
	case !provisioned:
		return nil, errAt(n, "%s must not be set with BillingMode PAY_PER_REQUEST", what)
	}
	fs, err := object(n, what, "ReadCapacityUnits", "WriteCapacityUnits")
	if err != nil {
		return nil, err
	}
	var t Throughput
	for _, c := range []struct {
		name string
		to   *int64
	}{{"ReadCapacityUnits", &t.ReadCapacityUnits}, {"WriteCapacityUnits", &t.WriteCapacityUnits}} {
		v := get(fs, c.name)
		if v == nil {
			return nil, errAt(n, "%s: %s is missing", what, c.name)
		}
		units, err := p.intIn(v, what+"."+c.name, 0, 1, 1<<30, "units")
		if err != nil {
			return nil, err
		}
		*c.to = int64(units)
	}
	return &t, nil
}

// indexes reads GlobalSecondaryIndexes or LocalSecondaryIndexes.
func (p *parser) indexes(n *yaml.Node, what string, provisioned bool) ([]Index, error) {
	items, err := list(n, what)
	if err != nil {
		return nil, err
	}
	global := what == "GlobalSecondaryIndexes"
	seen := map[string]bool{}
	var out []Index
	for _, it := range items {
		known := indexProps
		if !global {
			known = []string{"IndexName", "KeySchema", "Projection"}
		}
		fs, err := object(it, what, known...)
		if err != nil {
			return nil, err
		}
		var ix Index
		if ix.Name, err = p.required(fs, it, what, "IndexName"); err != nil {
			return nil, err
		}
		if !tableName.MatchString(ix.Name) {
			return nil, errAt(get(fs, "IndexName"), "%s: index name %q must be 3 to 255 of a-z, A-Z, 0-9, _, - and .", what, ix.Name)
		}
		if seen[ix.Name] {
			return nil, errAt(get(fs, "IndexName"), "%s: index %q is defined twice", what, ix.Name)
		}
		seen[ix.Name] = true
		where := what + " " + ix.Name
		ks := get(fs, "KeySchema")
		if ks == nil {
			return nil, errAt(it, "%s: missing KeySchema", where)
		}
		if ix.KeySchema, err = p.keySchema(ks, where+" KeySchema"); err != nil {
			return nil, err
		}
		proj := get(fs, "Projection")
		if proj == nil {
			return nil, errAt(it, "%s: missing Projection", where)
		}
		pf, err := object(proj, where+" Projection", "ProjectionType", "NonKeyAttributes")
		if err != nil {
			return nil, err
		}
		if pt := get(pf, "ProjectionType"); pt != nil {
			if ix.ProjectionType, err = p.oneOf(pt, where+" ProjectionType", "ALL", "KEYS_ONLY", "INCLUDE"); err != nil {
				return nil, err
			}
		}
		if nk := get(pf, "NonKeyAttributes"); nk != nil {
			attrs, err := list(nk, where+" NonKeyAttributes")
			if err != nil {
				return nil, err
			}
			for _, a := range attrs {
				s, err := p.str(a, where+" NonKeyAttributes")
				if err != nil {
					return nil, err
				}
				ix.NonKeyAttributes = append(ix.NonKeyAttributes, s)
			}
		}
		if global {
			if ix.Throughput, err = p.capacity(get(fs, "ProvisionedThroughput"), where+" ProvisionedThroughput", provisioned, it); err != nil {
				return nil, err
			}
		}
		out = append(out, ix)
	}
	return out, nil
}

// required resolves property name of fs, which must be present and non-empty.
func (p *parser) required(fs []field, at *yaml.Node, what, name string) (string, error) {
	n := get(fs, name)
	if n == nil {
		return "", errAt(at, "%s: %s is missing", what, name)
	}
	s, err := p.str(n, what+" "+name)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", errAt(n, "%s: %s is empty", what, name)
	}
	return s, nil
}

// checkKeys applies DynamoDB's rule that AttributeDefinitions declare exactly
// the attributes the table's and its indexes' key schemas use.
func checkKeys(t Table, r *resource) error {
	defined := map[string]bool{}
	for _, a := range t.Attributes {
		defined[a.AttributeName] = true
	}
	used := map[string]bool{}
	schemas := [][]KeyElement{t.KeySchema}
	for _, ix := range append(append([]Index(nil), t.GlobalIndexes...), t.LocalIndexes...) {
		schemas = append(schemas, ix.KeySchema)
	}
	for _, ks := range schemas {
		for _, k := range ks {
			if !defined[k.AttributeName] {
				return errAt(get(r.props, "AttributeDefinitions"), "key attribute %q is not in AttributeDefinitions", k.AttributeName)
			}
			used[k.AttributeName] = true
		}
	}
	for _, a := range t.Attributes {
		if !used[a.AttributeName] {
			return errAt(get(r.props, "AttributeDefinitions"), "AttributeDefinitions: %q is in no key schema (DynamoDB defines key attributes only)", a.AttributeName)
		}
	}
	return nil
}
