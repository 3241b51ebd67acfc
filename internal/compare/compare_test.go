package compare

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/coldstartlab/coldstart/internal/bench"
)

func TestCompareRows(t *testing.T) {
	tests := []struct {
		name        string
		base, new   spec
		significant bool
		text        []string // substrings of Text
		warnings    []string // substrings of the table's warnings
	}{
		{
			name:        "10% regression with noise",
			base:        spec{variant: "uppercase-go", memoryMB: 512, cold: logNormal(50, 100, 0.1, 1)},
			new:         spec{variant: "uppercase-go", memoryMB: 512, cold: logNormal(50, 110, 0.1, 2)},
			significant: true,
			text:        []string{"(p<0.001 n=50+50)"},
		},
		{
			name:     "equal distributions",
			base:     spec{variant: "uppercase-go", memoryMB: 512, cold: logNormal(50, 100, 0.1, 3)},
			new:      spec{variant: "uppercase-go", memoryMB: 512, cold: logNormal(50, 100, 0.1, 4)},
			text:     []string{"~ (p=", "n=50+50)"},
			warnings: nil,
		},
		{
			name: "too few samples",
			base: spec{variant: "uppercase-go", memoryMB: 512, cold: []float64{100, 101, 102}},
			new:  spec{variant: "uppercase-go", memoryMB: 512, cold: []float64{150, 151, 152}},
			text: []string{"± ∞ ¹", "? (n=3+3) ²", "¹ only 3 samples: no confidence interval",
				"² only 3 new and 3 base samples (need 5 each): no confidence interval or significance test"},
		},
		{
			name:     "metric on one side only",
			base:     spec{variant: "uppercase-go", memoryMB: 512, cold: logNormal(20, 100, 0.1, 5), warm: logNormal(20, 5, 0.1, 6)},
			new:      spec{variant: "uppercase-go", memoryMB: 512, warm: logNormal(20, 5, 0.1, 7)},
			warnings: []string{"uppercase-go @ 512 MB: cold.init, cold.first, cold.client only in base, not compared"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := Compare(results("b", "h", tt.base), results("n", "h", tt.new), testOptions)
			if len(tab.Sections) == 0 {
				t.Fatal("no sections")
			}
			row := tab.Sections[0].Rows[0]
			if row.Significant != tt.significant {
				t.Errorf("Significant = %v (p=%v), want %v", row.Significant, row.Comparison.P, tt.significant)
			}
			var buf bytes.Buffer
			if err := tab.Text(&buf); err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.text {
				if !strings.Contains(buf.String(), s) {
					t.Errorf("text lacks %q:\n%s", s, buf.String())
				}
			}
			all := strings.Join(tab.Warnings, "\n")
			for _, w := range tt.warnings {
				if !strings.Contains(all, w) {
					t.Errorf("warnings %q lack %q", tab.Warnings, w)
				}
			}
			if tt.warnings == nil && all != "" {
				t.Errorf("unexpected warnings %q", tab.Warnings)
			}
		})
	}
}

func TestCompareUnmatchedGroups(t *testing.T) {
	base := results("b", "h",
		spec{variant: "a", memoryMB: 512, cold: logNormal(10, 100, 0.1, 1)},
		spec{variant: "b", memoryMB: 1024, cold: logNormal(10, 100, 0.1, 2)})
	next := results("n", "h",
		spec{variant: "a", memoryMB: 512, cold: logNormal(10, 100, 0.1, 3)},
		spec{variant: "c", memoryMB: 2048, cold: logNormal(10, 100, 0.1, 4)})
	tab := Compare(base, next, testOptions)
	if want := []GroupKey{{"b", 1024}}; !slices.Equal(tab.OnlyBase, want) {
		t.Errorf("OnlyBase = %v, want %v", tab.OnlyBase, want)
	}
	if want := []GroupKey{{"c", 2048}}; !slices.Equal(tab.OnlyNew, want) {
		t.Errorf("OnlyNew = %v, want %v", tab.OnlyNew, want)
	}
	if n := len(tab.Sections[0].Rows); n != 1 {
		t.Errorf("%d rows, want 1 (a @ 512 MB)", n)
	}
	var buf bytes.Buffer
	tab.Text(&buf)
	for _, s := range []string{"only in base: b @ 1024 MB\n", "only in new:  c @ 2048 MB\n"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("text lacks %q:\n%s", s, buf.String())
		}
	}
	buf.Reset()
	tab.JSON(&buf)
	var doc struct {
		OnlyInBase []map[string]any `json:"only_in_base"`
		OnlyInNew  []map[string]any `json:"only_in_new"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.OnlyInBase) != 1 || doc.OnlyInBase[0]["variant"] != "b" || doc.OnlyInNew[0]["memory_mb"] != 2048.0 {
		t.Errorf("JSON only_in_base %v, only_in_new %v", doc.OnlyInBase, doc.OnlyInNew)
	}
}

func TestCompareRunWarnings(t *testing.T) {
	g := spec{variant: "a", memoryMB: 512, cold: logNormal(10, 100, 0.1, 1)}
	tests := []struct {
		name string
		edit func(base, next *bench.Run)
		want string // "" for no warning
	}{
		{"same scenario", func(b, n *bench.Run) {}, ""},
		{"different scenarios", func(b, n *bench.Run) { b.ScenarioHash, n.ScenarioHash = "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb" },
			"the files come from different scenarios (hash aaaaaaaaaaaa vs bbbbbbbbbbbb): groups are compared by variant and memory size anyway"},
		{"different targets", func(b, n *bench.Run) { n.Target.Kind = "aws" },
			`base ran on target "local", new on "aws": their numbers are not directly comparable`},
		{"different machines", func(b, n *bench.Run) { b.Host.CPU, n.Host.CPU = "Xeon", "EPYC" },
			`base ran on "Xeon", new on "EPYC": local timings depend on the machine`},
		{"different cold ratios", func(b, n *bench.Run) { n.ColdRatio = 0.05 },
			"cost figures assume 1% cold starts in base, 5% in new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, next := results("b", "h", g), results("n", "h", g)
			tt.edit(&base.Run, &next.Run)
			tab := Compare(base, next, testOptions)
			switch {
			case tt.want == "" && len(tab.Warnings) > 0:
				t.Errorf("unexpected warnings %q", tab.Warnings)
			case tt.want != "" && !slices.Contains(tab.Warnings, tt.want):
				t.Errorf("warnings %q lack %q", tab.Warnings, tt.want)
			}
			if len(tab.Sections) == 0 || len(tab.Sections[0].Rows) != 1 {
				t.Errorf("the groups must be compared anyway: %+v", tab.Sections)
			}
		})
	}
}

// The same inputs and seed give the same table, byte for byte.
func TestCompareDeterministic(t *testing.T) {
	base, next := goldenInputs()
	var a, b bytes.Buffer
	Compare(base, next, testOptions).Text(&a)
	Compare(base, next, testOptions).Text(&b)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two runs differ:\n%s\n---\n%s", a.String(), b.String())
	}
}

// A file compared with itself: identical medians, nothing significant.
func TestCompareSelf(t *testing.T) {
	base, _ := goldenInputs()
	tab := Compare(base, base, testOptions)
	for _, s := range tab.Sections {
		for _, r := range s.Rows {
			if r.Significant || r.Change() != 0 || r.Base.MedianCI != r.New.MedianCI {
				t.Errorf("%s %s: change %v, significant %v", s.Metric, r.GroupKey, r.Change(), r.Significant)
			}
		}
	}
}
