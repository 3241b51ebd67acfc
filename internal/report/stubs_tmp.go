package report

import (
	"errors"
	"io"
)

// Placeholders while the formats are written.

// Markdown writes the report as Markdown.
func (m *Model) Markdown(w io.Writer, chartsDir string) error { return errors.New("not yet") }

// CSV writes one row per variant × memory × metric.
func (m *Model) CSV(w io.Writer) error { return errors.New("not yet") }

// JSON writes the report as JSON.
func (m *Model) JSON(w io.Writer) error { return errors.New("not yet") }

// HTML writes the self-contained page.
func (m *Model) HTML(w io.Writer) error { return errors.New("not yet") }
