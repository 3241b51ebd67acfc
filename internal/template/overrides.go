package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"strconv"
)

// globalOverrides is the EnvOverrides entry that applies to every function.
const globalOverrides = "Parameters"

// EnvOverrides is a `sam local --env-vars` file:
// {"FunctionName": {"KEY": "value"}, "Parameters": {"KEY": "value"}}.
// "Parameters" applies to every function and a function's own entry wins over
// it. Unlike SAM, which only overrides variables the template declares, keys
// not declared in the template are added, so a benchmark can pass settings
// without editing the template. Entries naming functions the template does not
// have are ignored, as in SAM, so one file can serve several templates.
type EnvOverrides map[string]map[string]string

// LoadEnvOverrides reads an --env-vars JSON file. Values may be strings,
// numbers or booleans (kept as their JSON text); null, objects and arrays are
// errors.
func LoadEnvOverrides(path string) (EnvOverrides, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read env vars: %w", err)
	}
	return parseEnvOverrides(data, path)
}

func parseEnvOverrides(data []byte, file string) (EnvOverrides, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]map[string]any
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, jsonError(file, data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: unexpected data after the JSON object", file)
	}
	if raw == nil { // empty file or null
		return nil, fmt.Errorf("%s: want a JSON object of {\"Function\": {\"KEY\": \"value\"}}", file)
	}
	out := make(EnvOverrides, len(raw))
	for fn, vars := range raw {
		if vars == nil {
			return nil, fmt.Errorf("%s: %s: want an object of variables, not null", file, fn)
		}
		m := make(map[string]string, len(vars))
		for k, v := range vars {
			switch v := v.(type) {
			case string:
				m[k] = v
			case json.Number:
				m[k] = v.String()
			case bool:
				m[k] = strconv.FormatBool(v)
			default:
				return nil, fmt.Errorf("%s: %s.%s: value must be a string, number or boolean", file, fn, k)
			}
		}
		out[fn] = m
	}
	return out, nil
}

// jsonError names the line of a JSON syntax or type error.
func jsonError(file string, data []byte, err error) error {
	var offset int64 = -1
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		offset = se.Offset
	} else if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		offset = te.Offset
	}
	if offset < 0 || offset > int64(len(data)) {
		return fmt.Errorf("%s: %w", file, err)
	}
	line := 1 + bytes.Count(data[:offset], []byte("\n"))
	return fmt.Errorf("%s:%d: %w", file, line, err)
}

// Apply merges the overrides into each function's Environment and validates
// the result with Lambda's rules. On error no function is changed; errors name
// the function but no file, so callers add the --env-vars path.
func (o EnvOverrides) Apply(t *Template) error {
	envs := make([]map[string]string, len(t.Functions))
	var errs []error
	for i, fn := range t.Functions {
		env := make(map[string]string, len(fn.Environment))
		maps.Copy(env, fn.Environment)
		maps.Copy(env, o[globalOverrides])
		maps.Copy(env, o[fn.Name])
		if _, err := checkEnv(env); err != nil {
			errs = append(errs, fmt.Errorf("function %s: %w", fn.Name, err))
		}
		envs[i] = env
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for i := range t.Functions {
		t.Functions[i].Environment = envs[i]
	}
	return nil
}
