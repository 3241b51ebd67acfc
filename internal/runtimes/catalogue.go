package runtimes

import (
	"fmt"
	"slices"
	"strings"
)

// Language is the interpreter family a runtime runs on.
type Language string

// The languages with a runtime interface client here.
const (
	Node   Language = "nodejs"
	Python Language = "python"
	Java   Language = "java"
)

// Runtime is one managed runtime identifier Lambda accepts.
type Runtime struct {
	ID       string   // as in a template: "nodejs20.x", "python3.11", "java17"
	Language Language //
	Major    int      // the interpreter's version: Node 20, Python 3(.11), Java 17
	Minor    int      // Python only: 11 for python3.11
}

// Version is the interpreter version the runtime stands for: "20", "3.11", "17".
func (r Runtime) Version() string {
	if r.Language == Python {
		return fmt.Sprintf("%d.%d", r.Major, r.Minor)
	}
	return fmt.Sprint(r.Major)
}

// catalogue lists the managed runtimes that can run here: Lambda's current
// Node.js, Python and Java runtimes (Java from 11: the client uses the Java 11
// platform; java8.al2 is not supported).
var catalogue = []Runtime{
	{ID: "nodejs18.x", Language: Node, Major: 18},
	{ID: "nodejs20.x", Language: Node, Major: 20},
	{ID: "nodejs22.x", Language: Node, Major: 22},
	{ID: "nodejs24.x", Language: Node, Major: 24},
	{ID: "python3.9", Language: Python, Major: 3, Minor: 9},
	{ID: "python3.10", Language: Python, Major: 3, Minor: 10},
	{ID: "python3.11", Language: Python, Major: 3, Minor: 11},
	{ID: "python3.12", Language: Python, Major: 3, Minor: 12},
	{ID: "python3.13", Language: Python, Major: 3, Minor: 13},
	{ID: "python3.14", Language: Python, Major: 3, Minor: 14},
	{ID: "java11", Language: Java, Major: 11},
	{ID: "java17", Language: Java, Major: 17},
	{ID: "java21", Language: Java, Major: 21},
	{ID: "java25", Language: Java, Major: 25},
}

// Lookup returns the managed runtime id names.
func Lookup(id string) (Runtime, bool) {
	i := slices.IndexFunc(catalogue, func(r Runtime) bool { return r.ID == id })
	if i < 0 {
		return Runtime{}, false
	}
	return catalogue[i], true
}

// IDs lists every supported managed runtime identifier.
func IDs() []string {
	out := make([]string, len(catalogue))
	for i, r := range catalogue {
		out[i] = r.ID
	}
	return out
}

// Unsupported explains why id cannot run here, with what to do instead.
func Unsupported(id string) string {
	const custom = "package it for provided.al2023 with a bootstrap"
	switch {
	case strings.HasPrefix(id, "dotnet"):
		return fmt.Sprintf("runtime %q is not supported: .NET is not available on this platform; %s (e.g. a self-contained or Native AOT build)", id, custom)
	case strings.HasPrefix(id, "ruby"):
		return fmt.Sprintf("runtime %q is not supported yet; %s", id, custom)
	case id == "java8" || id == "java8.al2":
		return fmt.Sprintf("runtime %q is not supported: use java11 or newer (the Java client needs the Java 11 platform)", id)
	case strings.HasPrefix(id, "nodejs"), strings.HasPrefix(id, "python"), strings.HasPrefix(id, "java"):
		return fmt.Sprintf("runtime %q is not supported (deprecated by AWS or unknown); supported: %s", id, strings.Join(IDs(), ", "))
	default:
		return fmt.Sprintf("runtime %q is not supported; use provided.al2023 or one of %s", id, strings.Join(IDs(), ", "))
	}
}

// CheckOverride checks one interpreter override (`--runtime KEY=PATH`): KEY
// is a runtime id ("nodejs20.x") or a language ("nodejs", "python", "java").
// The interpreter itself is checked when a function needs it.
func CheckOverride(key, path string) error {
	if _, ok := Lookup(key); !ok && key != string(Node) && key != string(Python) && key != string(Java) {
		return fmt.Errorf("%q is neither a runtime (%s) nor a language (nodejs, python, java)", key, strings.Join(IDs(), ", "))
	}
	if path == "" {
		return fmt.Errorf("%s: no interpreter path", key)
	}
	return nil
}
