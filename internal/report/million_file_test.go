package report

import (
	"os"
	"testing"

	"github.com/coldstartlab/coldstart/internal/bench"
)

// TestWriteMillionFile writes the million-sample results file for measuring
// the command line end to end (MILLION_FILE=path go test -run WriteMillion).
func TestWriteMillionFile(t *testing.T) {
	path := os.Getenv("MILLION_FILE")
	if path == "" {
		t.Skip("set MILLION_FILE to write the file")
	}
	res := million()
	w, err := bench.Create(path, res.Run)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Samples {
		if err := w.Sample(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
