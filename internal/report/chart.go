package report

import (
	"bytes"
	"fmt"
	"html"
	"image/color"
	"os"
	"regexp"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// chart is one figure: a gonum plot plus tooltips in data coordinates.
type chart struct {
	ID      string // file and anchor name
	Title   string
	Caption string
	plot    *plot.Plot
	tips    []tip
	w, h    vg.Length
}

// tip is a tooltip (an SVG <title>) over a point (w == 0) or a bar: x and y
// in data units; a bar spans y0..y and dx±w/2 canvas points around x.
type tip struct {
	x, y, y0 float64
	dx, w    vg.Length
	text     string
}

// palette is colour-blind safe (Okabe–Ito).
var palette = []color.Color{
	color.RGBA{0, 114, 178, 255}, color.RGBA{230, 159, 0, 255}, color.RGBA{0, 158, 115, 255},
	color.RGBA{204, 121, 167, 255}, color.RGBA{86, 180, 233, 255}, color.RGBA{213, 94, 0, 255},
	color.RGBA{240, 228, 66, 255}, color.RGBA{0, 0, 0, 255},
}

func colour(i int) color.Color { return palette[i%len(palette)] }

// newChart starts a chart of the standard size with its plot and labels.
func newChart(id, title, x, y, caption string) *chart {
	return &chart{ID: id, Title: title, Caption: caption, plot: newPlot(title, x, y), w: chartW, h: chartH}
}

func newPlot(title, x, y string) *plot.Plot {
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = 13
	p.X.Label.Text, p.Y.Label.Text = x, y
	p.Legend.TextStyle.Font.Size = 9
	p.Legend.ThumbnailWidth = vg.Points(12)
	p.Add(newGrid())
	return p
}

// draw renders the chart on a canvas and returns the data area's transforms.
func (c *chart) draw(canvas vg.CanvasSizer) (func(float64) vg.Length, func(float64) vg.Length) {
	dc := draw.New(canvas)
	c.plot.Draw(dc)
	da := c.plot.DataCanvas(dc)
	return c.plot.Transforms(&da)
}

var (
	svgOpen    = regexp.MustCompile(`(?s)<svg width="[^"]*" height="[^"]*" viewBox="([^"]*)"[^>]*>`)
	svgComment = regexp.MustCompile(`<!--.*?-->\n?`)
	xmlDecl    = regexp.MustCompile(`<\?xml[^>]*\?>\n?`)
	sansFamily = regexp.MustCompile(`font-family:Liberation Sans`)
)

// svg renders the chart as inline SVG for an HTML page: sized by its
// container, with no namespace URIs (nothing a browser could fetch), and an
// overlay of invisible shapes carrying the tooltips.
func (c *chart) svg() (string, error) {
	canvas := vgsvg.New(c.w, c.h)
	tx, ty := c.draw(canvas)
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return "", err
	}
	out := buf.String()
	out = xmlDecl.ReplaceAllString(out, "")
	out = svgComment.ReplaceAllString(out, "")
	out = svgOpen.ReplaceAllString(out, fmt.Sprintf(`<svg viewBox="$1" role="img" aria-labelledby="%s-title"><title id="%s-title">%s</title>`,
		c.ID, c.ID, html.EscapeString(c.Title)))
	out = sansFamily.ReplaceAllString(out, "font-family:Liberation Sans,Helvetica,Arial,sans-serif")
	var tips strings.Builder
	tips.WriteString(`<g class="tips">`)
	for _, t := range c.tips {
		title := "<title>" + html.EscapeString(t.text) + "</title>"
		if t.w == 0 {
			fmt.Fprintf(&tips, `<circle cx="%.2f" cy="%.2f" r="4" fill="#000" fill-opacity="0">%s</circle>`,
				tx(t.x)+t.dx, ty(t.y), title)
			continue
		}
		y0, y1 := ty(t.y0), ty(t.y)
		fmt.Fprintf(&tips, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="#000" fill-opacity="0">%s</rect>`,
			tx(t.x)+t.dx-t.w/2, min(y0, y1), t.w, max(y1-y0, y0-y1), title)
	}
	tips.WriteString("</g>")
	// The drawing sits in one flipped <g>: the overlay joins it, in the same coordinates.
	i := strings.LastIndex(out, "</g>")
	if i < 0 {
		return "", fmt.Errorf("chart %s: unexpected SVG", c.ID)
	}
	return out[:i] + tips.String() + out[i:], nil
}

// png writes the chart as a PNG (for Markdown reports).
func (c *chart) png(path string) error {
	canvas := vgimg.NewWith(vgimg.UseWH(c.w, c.h), vgimg.UseDPI(144))
	c.draw(canvas)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = vgimg.PngCanvas{Canvas: canvas}.WriteTo(f)
	return joinClose(err, f)
}

func joinClose(err error, f *os.File) error {
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
