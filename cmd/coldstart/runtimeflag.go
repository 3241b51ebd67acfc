package main

import (
	"fmt"

	"github.com/coldstartlab/coldstart/internal/runtimes"
	"github.com/spf13/pflag"
)

// addRuntimeFlag adds the repeatable --runtime KEY=PATH flag that picks the
// interpreter of a managed runtime (nodejs20.x, python3.11, java17, …).
func addRuntimeFlag(f *pflag.FlagSet, m *map[string]string) {
	f.StringToStringVar(m, "runtime", nil,
		"interpreter for a managed runtime id or language, e.g. nodejs20.x=/usr/bin/node or python=/usr/bin/python3.12 (repeatable; default: found on PATH)")
}

// checkRuntimeFlag validates --runtime's keys before anything starts.
func checkRuntimeFlag(m map[string]string) error {
	for k, v := range m {
		if err := runtimes.CheckOverride(k, v); err != nil {
			return fmt.Errorf("--runtime: %w", err)
		}
	}
	return nil
}
