package template

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// lineError ties an error to a template line; the caller adds the file name
// and the function, which the helpers below do not know.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }
func (e *lineError) Unwrap() error { return e.err }

// errAt returns an error at n's line.
func errAt(n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &lineError{line: line, err: fmt.Errorf(format, args...)}
}

// lineOf returns the line an error refers to, or fallback when it has none.
func lineOf(err error, fallback int) int {
	if le, ok := errors.AsType[*lineError](err); ok && le.line > 0 {
		return le.line
	}
	return fallback
}

// yamlLine matches yaml.v3 syntax errors, which carry the line in their text;
// unknownAnchor matches the common one that does not.
var (
	yamlLine      = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// decode parses data into its single YAML document's root node.
func decode(data []byte, file string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s:1: template is empty", file)
		}
		return nil, yamlError(file, data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, yamlError(file, data, err)
		}
		return nil, fmt.Errorf("%s:%d: more than one YAML document", file, extra.Line)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s:1: template is empty", file)
	}
	return deref(doc.Content[0]), nil
}

// yamlError rewrites "yaml: line 3: …" as "file:3: …".
func yamlError(file string, data []byte, err error) error {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		if line, convErr := strconv.Atoi(m[1]); convErr == nil {
			return fmt.Errorf("%s:%d: %s", file, problemLine(data, line, m[2]), m[2])
		}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	// No line from yaml.v3: find the alias ourselves.
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		for i, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, "*"+m[1]) {
				return fmt.Errorf("%s:%d: %s", file, i+1, msg)
			}
		}
	}
	return fmt.Errorf("%s: %s", file, msg)
}

// maxRescanLines bounds problemLine's quadratic rescan.
const maxRescanLines = 2000

// problemLine finds the line a YAML error is really on. yaml.v3 reports the
// start of the enclosing construct ("did not find expected key" names the
// mapping's first line, not the badly indented one), so this looks for the
// shortest prefix of lines, from that line on, that fails with the same
// message; it keeps line when there is none.
func problemLine(data []byte, line int, msg string) int {
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) > maxRescanLines {
		return line
	}
	for k := max(line, 1); k <= len(lines); k++ {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(strings.Join(lines[:k], "")), &n)
		if err == nil {
			continue
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil && m[2] == msg {
			return k
		}
	}
	return line
}

// deref follows aliases so anchors (&x / *x) behave like copies.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or an explicit YAML null.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// field is one key: value pair of a mapping.
type field struct {
	key, val *yaml.Node
}

// fields returns the pairs of mapping n in order; what names n in errors.
// Duplicate keys are an error, as in CloudFormation, because yaml.v3 keeps
// both and which one wins would otherwise be our accident.
func fields(n *yaml.Node, what string) ([]field, error) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, errAt(n, "%s must be a mapping", what)
	}
	seen := make(map[string]int, len(n.Content)/2)
	out := make([]field, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			return nil, errAt(n.Content[i], "%s: keys must be plain strings", what)
		}
		if first, dup := seen[k.Value]; dup {
			return nil, errAt(k, "%s: duplicate key %q (first at line %d)", what, k.Value, first)
		}
		seen[k.Value] = k.Line
		out = append(out, field{key: k, val: v})
	}
	return out, nil
}

// get returns the value of key in fs, or nil when absent or null.
func get(fs []field, key string) *yaml.Node {
	for _, f := range fs {
		if f.key.Value == key {
			if isNull(f.val) {
				return nil
			}
			return deref(f.val)
		}
	}
	return nil
}

// keyOf returns the key node of key in fs, or nil.
func keyOf(fs []field, key string) *yaml.Node {
	for _, f := range fs {
		if f.key.Value == key {
			return f.key
		}
	}
	return nil
}
