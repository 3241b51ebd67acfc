package template

import (
	"maps"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadEnvOverrides(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		want    EnvOverrides
		wantErr string // suffix after the file name
	}{
		{
			name: "functions and Parameters",
			json: `{"Parameters": {"STAGE": "test"}, "Orders": {"TABLE": "t", "RETRIES": 3, "RATE": 0.5, "DEBUG": true}}`,
			want: EnvOverrides{
				"Parameters": {"STAGE": "test"},
				"Orders":     {"TABLE": "t", "RETRIES": "3", "RATE": "0.5", "DEBUG": "true"},
			},
		},
		{name: "empty object", json: `{}`, want: EnvOverrides{}},
		{name: "empty function", json: `{"Fn": {}}`, want: EnvOverrides{"Fn": {}}},
		{name: "syntax error", json: "{\n  \"Fn\": {\n    \"A\": \"b\",\n  }\n}", wantErr: ":4: invalid character '}' looking for beginning of object key string"},
		{name: "null value", json: `{"Fn": {"KEY": null}}`, wantErr: ": Fn.KEY: value must be a string, number or boolean"},
		{name: "object value", json: `{"Fn": {"KEY": {"a": 1}}}`, wantErr: ": Fn.KEY: value must be a string, number or boolean"},
		{name: "null function", json: `{"Fn": null}`, wantErr: ": Fn: want an object of variables, not null"},
		{name: "function not an object", json: `{"Fn": "x"}`, wantErr: ":1: json: cannot unmarshal string into Go value of type map[string]interface {}"},
		{name: "top level array", json: `[]`, wantErr: ":1: json: cannot unmarshal array into Go value of type map[string]map[string]interface {}"},
		{name: "null", json: `null`, wantErr: `: want a JSON object of {"Function": {"KEY": "value"}}`},
		{name: "trailing data", json: `{} {}`, wantErr: ": unexpected data after the JSON object"},
		{name: "empty file", json: ``, wantErr: `: want a JSON object of {"Function": {"KEY": "value"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "env.json", tt.json, 0o644)
			got, err := LoadEnvOverrides(path)
			if tt.wantErr != "" {
				if err == nil || err.Error() != path+tt.wantErr {
					t.Fatalf("error = %v, want %s%s", err, path, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := LoadEnvOverrides(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.HasPrefix(err.Error(), "read env vars: ") {
		t.Errorf("missing file error = %v", err)
	}
}

func TestEnvOverridesApply(t *testing.T) {
	template := func() *Template {
		return &Template{Functions: []Function{
			{Name: "A", Environment: map[string]string{"STAGE": "dev", "ONLY_A": "a"}},
			{Name: "B", Environment: map[string]string{}},
		}}
	}
	tests := []struct {
		name    string
		o       EnvOverrides
		want    map[string]map[string]string // function → environment
		wantErr string
	}{
		{
			name: "nothing",
			o:    EnvOverrides{},
			want: map[string]map[string]string{"A": {"STAGE": "dev", "ONLY_A": "a"}, "B": {}},
		},
		{
			name: "Parameters apply to every function",
			o:    EnvOverrides{"Parameters": {"STAGE": "prod"}},
			want: map[string]map[string]string{"A": {"STAGE": "prod", "ONLY_A": "a"}, "B": {"STAGE": "prod"}},
		},
		{
			name: "function entry wins over Parameters",
			o:    EnvOverrides{"Parameters": {"STAGE": "prod"}, "B": {"STAGE": "b"}},
			want: map[string]map[string]string{"A": {"STAGE": "prod", "ONLY_A": "a"}, "B": {"STAGE": "b"}},
		},
		{
			name: "undeclared keys are added",
			o:    EnvOverrides{"A": {"NEW_KEY": "x"}},
			want: map[string]map[string]string{"A": {"STAGE": "dev", "ONLY_A": "a", "NEW_KEY": "x"}, "B": {}},
		},
		{
			name: "unknown functions are ignored",
			o:    EnvOverrides{"Nope": {"STAGE": "x"}},
			want: map[string]map[string]string{"A": {"STAGE": "dev", "ONLY_A": "a"}, "B": {}},
		},
		{
			name:    "reserved key",
			o:       EnvOverrides{"B": {"AWS_REGION": "eu-west-1"}},
			wantErr: "function B: " + lambdaReservedMsg + "AWS_REGION",
		},
		{
			name:    "invalid key in Parameters names every function",
			o:       EnvOverrides{"Parameters": {"bad-key": "x"}},
			wantErr: "function A: environment variable name \"bad-key\" must match [a-zA-Z]([a-zA-Z0-9_])+\nfunction B: environment variable name \"bad-key\" must match [a-zA-Z]([a-zA-Z0-9_])+",
		},
		{
			name:    "over 4 KB",
			o:       EnvOverrides{"A": {"BIG": strings.Repeat("x", 4096)}},
			wantErr: "function A: environment variables are 4114 bytes (keys + values), over Lambda's 4 KB limit (4096)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := template()
			err := tt.o.Apply(tmpl)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error =\n%v\nwant\n%s", err, tt.wantErr)
				}
				if !reflect.DeepEqual(tmpl, template()) {
					t.Errorf("template changed by a failed Apply: %+v", tmpl.Functions)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]map[string]string{}
			for _, fn := range tmpl.Functions {
				got[fn.Name] = fn.Environment
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("environments = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEnvOverridesApplyDoesNotAlias(t *testing.T) {
	o := EnvOverrides{"Parameters": {"K1": "v"}}
	tmpl := &Template{Functions: []Function{{Name: "A"}, {Name: "B"}}}
	before := maps.Clone(o["Parameters"])
	if err := o.Apply(tmpl); err != nil {
		t.Fatal(err)
	}
	tmpl.Functions[0].Environment["K1"] = "changed"
	if tmpl.Functions[1].Environment["K1"] != "v" || !maps.Equal(o["Parameters"], before) {
		t.Error("functions share an environment map with each other or with the overrides")
	}
}
