// Package charts draws the report's and the digest's charts as PNG images
// with gonum.org/v1/plot: complaints per month by category, the on-time
// share per month, the handling-time distribution and the digest's
// twelve-week trend.
//
// Every chart must read in grey print (management prints the yearly
// overview): series differ by grey level with black outlines, by marker
// shape and by dash pattern, never by colour alone. Labels are Dutch, or
// English for an English report.
package charts

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/ingressus/klachtd/templates"
)

// Content-IDs of the report's charts, as the HTML refers to them.
const (
	CIDPerMonth = "chart-per-month@klachtd"
	CIDOnTime   = "chart-on-time@klachtd"
	CIDHandling = "chart-handling@klachtd"
	CIDTrend    = "chart-trend@klachtd"
)

// Size of a chart: 552 points wide fits the letters' 600px column less its
// padding; drawn at 2× so it stays sharp on a high-density screen and in
// print.
const (
	width  = 552
	height = 300
	dpi    = 144
)

// greys are the fills of stacked series, dark to light, far enough apart
// to tell in grey print; each bar also has a black outline.
// The last (the untagged complaints) is white.
var greys = []color.Gray{{Y: 0x20}, {Y: 0x58}, {Y: 0x8c}, {Y: 0xb8}, {Y: 0xdc}, {Y: 0xff}}

var words = map[string]map[string]string{
	"nl": {
		"perMonth": "Klachten per maand, naar categorie", "count": "aantal klachten", "month": "maand van ontvangst",
		"onTime": "Op tijd per maand", "percent": "% van de klachten", "response": "reactie binnen de termijn",
		"ack": "ontvangstbevestiging binnen 5 werkdagen", "handling": "Doorlooptijd tot de reactie",
		"workdays": "werkdagen van ontvangst tot reactie", "trend": "Laatste 12 weken", "week": "week",
		"received": "ontvangen", "onTimeN": "op tijd beantwoord",
	},
	"en": {
		"perMonth": "Complaints per month, by category", "count": "complaints", "month": "month received",
		"onTime": "On time per month", "percent": "% of complaints", "response": "response within the term",
		"ack": "acknowledgement within 5 working days", "handling": "Time to response",
		"workdays": "working days from receipt to response", "trend": "Last 12 weeks", "week": "week",
		"received": "received", "onTimeN": "answered on time",
	},
}

var shortMonths = map[string][]string{
	"nl": {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

func lang(l string) string {
	if templates.Lang(l) == "en" {
		return "en"
	}
	return "nl"
}

// Report draws the three charts of the report, in the order the HTML
// shows them.
func Report(r *templates.ReportData, language string) ([]templates.Image, error) {
	l := lang(language)
	w := words[l]
	var out []templates.Image
	for _, c := range []struct {
		cid, title string
		draw       func(*templates.ReportData, string) (*plot.Plot, error)
	}{{CIDPerMonth, w["perMonth"], perMonth}, {CIDOnTime, w["onTime"], onTime}, {CIDHandling, w["handling"], handling}} {
		p, err := c.draw(r, l)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.cid, err)
		}
		png, err := render(p, width, height)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", c.cid, err)
		}
		out = append(out, templates.Image{CID: c.cid, Title: c.title, PNG: png})
	}
	return out, nil
}

func monthLabels(r *templates.ReportData, l string) []string {
	var names []string
	years := map[string]bool{}
	for _, m := range r.Months {
		years[m.Key[:4]] = true
	}
	for _, m := range r.Months {
		var mo int
		fmt.Sscanf(m.Key[5:], "%d", &mo)
		name := m.Key
		if mo >= 1 && mo <= 12 {
			name = shortMonths[l][mo-1]
			if len(years) > 1 {
				name += " '" + m.Key[2:4]
			}
		}
		names = append(names, name)
	}
	return names
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.X.Label.TextStyle.Font.Size = vg.Points(10)
	p.Y.Label.TextStyle.Font.Size = vg.Points(10)
	p.X.Tick.Label.Font.Size = vg.Points(9)
	p.Y.Tick.Label.Font.Size = vg.Points(9)
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	// Sans serif, like the letters' text.
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font} {
		f.Variant = "Sans"
	}
	p.Legend.Top = true
	p.Legend.Padding = vg.Points(2)
	p.Add(plotter.NewGrid())
	return p
}

// perMonth is stacked bars: complaints received per month, one grey per
// category, in the order of the legend.
func perMonth(r *templates.ReportData, l string) (*plot.Plot, error) {
	w := words[l]
	p := newPlot(w["perMonth"], w["month"], w["count"])
	n := len(r.Months)
	if n == 0 {
		return p, nil
	}
	barW := vg.Points(math.Max(6, math.Min(28, 380/float64(n))))
	var below *plotter.BarChart
	top := 0.0
	totals := make([]float64, n)
	var legend []struct {
		name string
		b    *plotter.BarChart
	}
	for j, cat := range r.Categories {
		vals := make(plotter.Values, n)
		for i := range r.Months {
			if i < len(r.MonthByCategory) && j < len(r.MonthByCategory[i]) {
				vals[i] = float64(r.MonthByCategory[i][j])
				totals[i] += vals[i]
			}
		}
		b, err := plotter.NewBarChart(vals, barW)
		if err != nil {
			return nil, err
		}
		b.Color = greys[min(j, len(greys)-1)]
		if cat.Key != "" && j >= len(greys)-1 {
			b.Color = greys[j%(len(greys)-1)] // more categories than greys: repeat, white stays the untagged's
		}
		b.LineStyle.Width = vg.Points(0.6)
		b.LineStyle.Color = color.Black
		if below != nil {
			b.StackOn(below)
		}
		below = b
		p.Add(b)
		legend = append(legend, struct {
			name string
			b    *plotter.BarChart
		}{cat.Label, b})
	}
	for _, t := range totals {
		top = math.Max(top, t)
	}
	// Legend top-first, as the stack reads.
	for i := len(legend) - 1; i >= 0; i-- {
		p.Legend.Add(legend[i].name, legend[i].b)
	}
	p.NominalX(monthLabels(r, l)...)
	p.Y.Min = 0
	p.Y.Max = math.Max(4, top*1.45) // room for the legend above the bars
	p.Y.Tick.Marker = intTicks{}
	return p, nil
}

// onTime is two lines with different markers and dashes: the share of
// responses within the term, and of acknowledgements within 5 working
// days, per month.
func onTime(r *templates.ReportData, l string) (*plot.Plot, error) {
	w := words[l]
	p := newPlot(w["onTime"], w["month"], w["percent"])
	p.Y.Min, p.Y.Max = 0, 115
	p.Y.Tick.Marker = percentTicks{}
	series := []struct {
		name   string
		value  func(templates.Figures) (float64, bool)
		glyph  draw.GlyphDrawer
		dashes []vg.Length
		grey   color.Gray
	}{
		{w["response"], func(f templates.Figures) (float64, bool) { return f.OnTimePercent, f.Responses > 0 },
			draw.CircleGlyph{}, nil, color.Gray{Y: 0x10}},
		{w["ack"], func(f templates.Figures) (float64, bool) { return f.AckWithinPercent, f.Complete > 0 },
			draw.TriangleGlyph{}, []vg.Length{vg.Points(5), vg.Points(3)}, color.Gray{Y: 0x70}},
	}
	for _, s := range series {
		var xys plotter.XYs
		for i, m := range r.Months {
			if v, ok := s.value(m.Figures); ok {
				xys = append(xys, plotter.XY{X: float64(i), Y: v})
			}
		}
		if len(xys) == 0 {
			continue
		}
		line, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, err
		}
		line.Color = s.grey
		line.Width = vg.Points(1.6)
		line.Dashes = s.dashes
		pts.Shape = s.glyph
		pts.Color = s.grey
		pts.Radius = vg.Points(3.5)
		p.Add(line, pts)
		p.Legend.Add(s.name, line, pts)
	}
	p.Legend.Left = true
	p.Legend.Top = false
	p.NominalX(monthLabels(r, l)...)
	p.X.Min, p.X.Max = -0.4, float64(len(r.Months))-0.6
	return p, nil
}

// handling is the distribution of the working days to the response, in
// bins of templates' buckets.
func handling(r *templates.ReportData, l string) (*plot.Plot, error) {
	w := words[l]
	p := newPlot(w["handling"], w["workdays"], w["count"])
	vals := make(plotter.Values, len(r.Handling))
	var names []string
	top := 0.0
	for i, b := range r.Handling {
		vals[i] = float64(b.Count)
		top = math.Max(top, vals[i])
		names = append(names, b.Label)
	}
	if len(vals) == 0 {
		return p, nil
	}
	b, err := plotter.NewBarChart(vals, vg.Points(36))
	if err != nil {
		return nil, err
	}
	b.Color = color.Gray{Y: 0x90}
	b.LineStyle.Width = vg.Points(0.6)
	b.LineStyle.Color = color.Black
	p.Add(b)
	p.NominalX(names...)
	p.Y.Min = 0
	p.Y.Max = math.Max(4, top*1.15)
	p.Y.Tick.Marker = intTicks{}
	return p, nil
}

// Week is one week of the digest's trend.
type Week struct {
	Label    string // "W48"
	Received int
	OnTime   int // responses that week within their term
}

// Trend is the digest's small chart: complaints received per week (bars)
// and responses on time (line with square markers), over the weeks given.
func Trend(weeks []Week, language string) (templates.Image, error) {
	l := lang(language)
	w := words[l]
	p := newPlot(w["trend"], w["week"], w["count"])
	p.Title.TextStyle.Font.Size = vg.Points(11)
	vals := make(plotter.Values, len(weeks))
	var xys plotter.XYs
	var names []string
	top := 0.0
	for i, wk := range weeks {
		vals[i] = float64(wk.Received)
		xys = append(xys, plotter.XY{X: float64(i), Y: float64(wk.OnTime)})
		names = append(names, wk.Label)
		top = math.Max(top, math.Max(vals[i], float64(wk.OnTime)))
	}
	if len(weeks) > 0 {
		b, err := plotter.NewBarChart(vals, vg.Points(18))
		if err != nil {
			return templates.Image{}, err
		}
		b.Color = color.Gray{Y: 0xc0}
		b.LineStyle.Width = vg.Points(0.6)
		b.LineStyle.Color = color.Black
		line, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return templates.Image{}, err
		}
		line.Width = vg.Points(1.6)
		line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		pts.Shape = draw.BoxGlyph{}
		pts.Radius = vg.Points(3)
		p.Add(b, line, pts)
		p.Legend.Add(w["received"], b)
		p.Legend.Add(w["onTimeN"], line, pts)
		p.NominalX(names...)
		// Whole bars at both ends: the line alone would end the axis at
		// the first and last bar's middle.
		p.X.Min, p.X.Max = -0.6, float64(len(weeks))-0.4
	}
	p.Y.Min = 0
	p.Y.Max = math.Max(4, top*1.5)
	p.Y.Tick.Marker = intTicks{}
	png, err := render(p, width, 200)
	if err != nil {
		return templates.Image{}, err
	}
	return templates.Image{CID: CIDTrend, Title: w["trend"], PNG: png}, nil
}

// render draws p as a PNG of w × h points at dpi.
func render(p *plot.Plot, w, h float64) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(vg.Points(w), vg.Points(h)), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// intTicks puts ticks on whole numbers only: a count of 2.5 complaints
// means nothing.
type intTicks struct{}

func (intTicks) Ticks(min, max float64) []plot.Tick {
	step := 1.0
	for (max-min)/step > 8 {
		switch {
		case strings.HasPrefix(fmt.Sprint(step), "1"):
			step *= 2
		case strings.HasPrefix(fmt.Sprint(step), "2"):
			step = step / 2 * 5
		default:
			step *= 2
		}
	}
	var out []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max; v += step {
		out = append(out, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f", v)})
	}
	return out
}

// percentTicks labels 0 to 100 in steps of 20.
type percentTicks struct{}

func (percentTicks) Ticks(min, max float64) []plot.Tick {
	var out []plot.Tick
	for v := 0.0; v <= 100; v += 20 {
		out = append(out, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f%%", v)})
	}
	return out
}
