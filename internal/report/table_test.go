package report

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coldstartlab/coldstart/internal/bench"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestTableGolden(t *testing.T) {
	m := Build(synthetic(), Options{Stats: statsOptions})
	var buf bytes.Buffer
	m.Table(&buf, TableOptions{Color: false})
	golden(t, "table.golden", buf.Bytes())
}

// oneGroup is synthetic() cut down to slow @ 512 MB.
func oneGroup() *bench.Results {
	res := synthetic()
	var only = res.Samples[:0:0]
	for _, s := range res.Samples {
		if s.Variant == "slow" && s.MemoryMB == 512 {
			only = append(only, s)
		}
	}
	res.Samples, res.Warnings = only, nil
	return res
}

// One group: no comparison table, no findings.
func TestTableOneGroup(t *testing.T) {
	var buf bytes.Buffer
	Build(oneGroup(), Options{Stats: statsOptions}).Table(&buf, TableOptions{})
	golden(t, "table-one-group.golden", buf.Bytes())
}

func TestTableColdRatio(t *testing.T) {
	for _, tt := range []struct {
		ratio float64
		want  string
	}{{0.01, "(1% cold)"}, {0.001, "(0.1% cold)"}, {0.005, "(0.5% cold)"}, {0.07, "(7% cold)"}, {0.125, "(12.5% cold)"}, {1, "(100% cold)"}} {
		var buf bytes.Buffer
		Build(oneGroup(), Options{Stats: statsOptions, ColdRatio: tt.ratio}).Table(&buf, TableOptions{})
		if !strings.Contains(buf.String(), "per 1M invokes "+tt.want) {
			t.Errorf("cold ratio %v: no %q in\n%s", tt.ratio, tt.want, buf.String())
		}
	}
}

func TestTableColor(t *testing.T) {
	var plain, color bytes.Buffer
	m := Build(oneGroup(), Options{Stats: statsOptions})
	m.Table(&plain, TableOptions{})
	m.Table(&color, TableOptions{Color: true})
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(color.String(), "\x1b[1mslow @ 512 MB\x1b[0m") {
		t.Errorf("escape codes belong only in color output, around the group labels")
	}
}

func TestMillis(t *testing.T) {
	tests := []struct {
		ms   float64
		want string
	}{
		{math.NaN(), "–"},
		{0, "0 µs"},
		{0.0426, "43 µs"},
		{0.5, "500 µs"},
		{0.9994, "999 µs"},
		{0.9996, "1.00 ms"}, // not "1000 µs"
		{1, "1.00 ms"},
		{2.345678, "2.35 ms"},
		{9.99, "9.99 ms"},
		{9.996, "10.0 ms"}, // not "10.00 ms"
		{10, "10.0 ms"},
		{123.44, "123.4 ms"},
		{999.9, "999.9 ms"},
		{999.96, "1000 ms"}, // not "1000.0 ms"
		{1000, "1000 ms"},
		{9999.4, "9999 ms"},
		{9999.6, "10.0 s"}, // not "10000 ms"
		{10000, "10.0 s"},
		{125000, "125.0 s"},
	}
	for _, tt := range tests {
		if got := Millis(tt.ms); got != tt.want {
			t.Errorf("Millis(%v) = %q, want %q", tt.ms, got, tt.want)
		}
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1 KB"},
		{1536, "2 KB"},
		{700 << 10, "700 KB"},
		{1<<20 - 600, "1023 KB"},
		{1<<20 - 100, "1.0 MB"}, // not "1024 KB"
		{1 << 20, "1.0 MB"},
		{5<<20 + 300<<10, "5.3 MB"},
		{250 << 20, "250.0 MB"},
	}
	for _, tt := range tests {
		if got := Bytes(tt.n); got != tt.want {
			t.Errorf("Bytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestDollars(t *testing.T) {
	tests := []struct {
		usd  float64
		want string
	}{
		{0, "$0"},
		{0.00002, "$0.0000"},
		{0.0021, "$0.0021"},
		{0.01, "$0.01"},
		{0.2125, "$0.21"},
		{3.3, "$3.30"},
		{99.5, "$99.50"},
		{100, "$100"},
		{12345.6, "$12346"},
	}
	for _, tt := range tests {
		if got := Dollars(tt.usd); got != tt.want {
			t.Errorf("Dollars(%v) = %q, want %q", tt.usd, got, tt.want)
		}
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		name     string
		v, max   float64
		width    int
		want     string
		wantRune int
	}{
		{"full", 10, 10, 10, "██████████", 10},
		{"half", 5, 10, 10, "█████", 5},
		{"eighths", 1.5, 10, 10, "█▌", 2},
		{"three eighths of a cell", 0.375, 10, 10, "▍", 1},
		{"tiny is still visible", 0.001, 10, 10, "▏", 1},
		{"zero", 0, 10, 10, "", 0},
		{"negative", -1, 10, 10, "", 0},
		{"NaN value", math.NaN(), 10, 10, "", 0},
		{"zero max", 1, 0, 10, "", 0},
		{"NaN max", 1, math.NaN(), 10, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bar(tt.v, tt.max, tt.width)
			if got != tt.want || len([]rune(got)) != tt.wantRune {
				t.Errorf("bar(%v, %v, %d) = %q, want %q", tt.v, tt.max, tt.width, got, tt.want)
			}
		})
	}
}
