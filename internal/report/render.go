package report

import (
	"fmt"
	"io"
	"strings"
)

// Formats report can render.
const (
	FormatTable    = "table"
	FormatMarkdown = "markdown"
	FormatCSV      = "csv"
	FormatJSON     = "json"
	FormatHTML     = "html"
)

// FormatNames lists the formats, for flags and errors.
var FormatNames = []string{FormatTable, FormatMarkdown, FormatCSV, FormatJSON, FormatHTML}

// RenderOptions configures Render.
type RenderOptions struct {
	Color     bool   // table: bold headings
	ChartsDir string // markdown: also write PNG charts here and link them
}

// Render writes the model in a format.
func (m *Model) Render(w io.Writer, format string, o RenderOptions) error {
	switch format {
	case FormatTable, "":
		m.Table(w, TableOptions{Color: o.Color})
		return nil
	case FormatMarkdown:
		return m.Markdown(w, o.ChartsDir)
	case FormatCSV:
		return m.CSV(w)
	case FormatJSON:
		return m.JSON(w)
	case FormatHTML:
		return m.HTML(w)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(FormatNames, ", "))
}
