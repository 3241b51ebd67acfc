package compare

import (
	"bytes"
	"testing"

	"github.com/coldstartlab/coldstart/internal/bench"
)

// goldenInputs are two results files with every case a table shows:
//   - uppercase-go @ 512 MB: Init Duration 10% slower (n=50 each), warm the same;
//   - uppercase-go @ 1024 MB: nothing changed, Max Memory Used up 8 MB;
//   - orders-go @ 512 MB: only 3 cold starts in the new file, warm 30% faster;
//   - orders-go @ 2048 MB is only in the base, ddbwriter @ 512 MB only in the new;
//   - the scenario changed between the runs.
func goldenInputs() (base, next *bench.Results) {
	base = results("run-base", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		spec{variant: "uppercase-go", memoryMB: 512, cold: logNormal(50, 80, 0.1, 1), warm: logNormal(40, 3, 0.1, 2)},
		spec{variant: "uppercase-go", memoryMB: 1024, cold: logNormal(50, 60, 0.1, 3), warm: logNormal(40, 2, 0.1, 4)},
		spec{variant: "orders-go", memoryMB: 512, cold: logNormal(20, 150, 0.1, 5), warm: logNormal(40, 12, 0.1, 6), maxMemoryMB: 75},
		spec{variant: "orders-go", memoryMB: 2048, cold: logNormal(20, 90, 0.1, 7)},
	)
	next = results("run-new", "bbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		spec{variant: "uppercase-go", memoryMB: 512, cold: logNormal(50, 88, 0.1, 11), warm: logNormal(40, 3, 0.1, 12)},
		spec{variant: "uppercase-go", memoryMB: 1024, cold: logNormal(50, 60, 0.1, 13), warm: logNormal(40, 2, 0.1, 14), maxMemoryMB: 68},
		spec{variant: "orders-go", memoryMB: 512, cold: []float64{160, 149, 171}, warm: logNormal(40, 8.4, 0.1, 16), maxMemoryMB: 75},
		spec{variant: "ddbwriter", memoryMB: 512, cold: logNormal(20, 200, 0.1, 17)},
	)
	return base, next
}

func goldenTable() *Table {
	base, next := goldenInputs()
	o := testOptions
	o.BaseLabel, o.NewLabel = "main.jsonl", "pr.jsonl"
	return Compare(base, next, o)
}

func TestTextGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := goldenTable().Text(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.golden", buf.Bytes())
}

func TestMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := goldenTable().Markdown(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.md.golden", buf.Bytes())
}

func TestJSONGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := goldenTable().JSON(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.json.golden", buf.Bytes())
}
