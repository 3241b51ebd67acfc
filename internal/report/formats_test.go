package report

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func model() *Model { return Build(synthetic(), Options{Stats: statsOptions}) }

func TestMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := model().Markdown(&buf, ""); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.md.golden", buf.Bytes())
}

func TestCSVGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := model().CSV(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.csv.golden", buf.Bytes())
}

func TestJSONGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := model().JSON(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json.golden", buf.Bytes())
	var doc struct {
		Schema string `json:"schema"`
		Rows   []struct {
			Variant    string   `json:"variant"`
			Metric     string   `json:"metric"`
			N          int      `json:"n"`
			MedianCILo *float64 `json:"median_ci_lo_ms"`
		} `json:"rows"`
		Groups   []map[string]any `json:"groups"`
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != JSONSchema || len(doc.Groups) != 4 || len(doc.Findings) == 0 {
		t.Fatalf("schema %q, %d groups, %d findings", doc.Schema, len(doc.Groups), len(doc.Findings))
	}
	for _, r := range doc.Rows {
		if r.N >= 5 && r.MedianCILo == nil {
			t.Errorf("%s %s: n=%d but no CI", r.Variant, r.Metric, r.N)
		}
	}
}

// Every format says the same thing: the CSV's rows are the JSON's.
func TestFormatsAgree(t *testing.T) {
	m := model()
	var c, j bytes.Buffer
	if err := m.CSV(&c); err != nil {
		t.Fatal(err)
	}
	if err := m.JSON(&j); err != nil {
		t.Fatal(err)
	}
	var doc struct{ Rows []map[string]any }
	json.Unmarshal(j.Bytes(), &doc)
	if lines := strings.Count(strings.TrimSpace(c.String()), "\n"); lines != len(doc.Rows) {
		t.Errorf("CSV has %d rows, JSON %d", lines, len(doc.Rows))
	}
}

func TestMarkdownCharts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "charts")
	var buf bytes.Buffer
	if err := model().Markdown(&buf, dir); err != nil {
		t.Fatal(err)
	}
	for _, id := range allCharts {
		f, err := os.Open(filepath.Join(dir, id+".png"))
		if err != nil {
			t.Errorf("chart %s: %v", id, err)
			continue
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("chart %s: not a PNG: %v", id, err)
		}
		f.Close()
		if !strings.Contains(buf.String(), "(charts/"+id+".png)") {
			t.Errorf("markdown does not link chart %s", id)
		}
	}
}

// allCharts are the charts the synthetic model has data for: all of them.
var allCharts = []string{"cold-init", "first-warm", "warm-cdf", "load-time", "memory", "cost", "frontier"}

func TestHTMLIsSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := model().HTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"http://", "https://", "src=", "@import", "url("} {
		if strings.Contains(page, bad) {
			i := strings.Index(page, bad)
			t.Errorf("page contains %q: …%s…", bad, page[max(0, i-60):min(len(page), i+60)])
		}
	}
	for _, id := range allCharts {
		if !strings.Contains(page, `<figure id="`+id+`"><svg`) {
			t.Errorf("chart %s missing", id)
		}
	}
	if n := strings.Count(page, "<title>"); n < 50 {
		t.Errorf("only %d tooltips (SVG titles)", n)
	}
	if !strings.Contains(page, "fast is 10.") {
		t.Error("findings missing")
	}
}
