package main

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
)

type setupResult struct {
	Dovecot      string  `json:"dovecot"`
	MailBytes    int64   `json:"mail_bytes"`
	FillSeconds  float64 `json:"fill_maildir_seconds"`
	IndexSeconds float64 `json:"dovecot_index_seconds"`
}

// goal is one row of the table.
type goal struct {
	Goal      string  `json:"goal"`
	Measured  string  `json:"measured"`
	Reference string  `json:"reference"`
	Ratio     float64 `json:"ratio"`
	Need      string  `json:"ratio_needed"`
	Met       *bool   `json:"met"` // null: not measured
}

type report struct {
	N             int               `json:"n"`
	Started       string            `json:"started"`
	Finished      string            `json:"finished"`
	Host          map[string]string `json:"host"`
	Tree          string            `json:"klachtd_tree"`
	KlachtdEnv    []string          `json:"klachtd_env,omitempty"`
	KlachtdConfig string            `json:"klachtd_config"`
	LoadStart     string            `json:"loadavg_start"`
	LoadEnd       string            `json:"loadavg_end"`
	FsyncMs       float64           `json:"fsync_4k_median_ms"`
	Formats       []string          `json:"form_formats_checked"`
	Setup         setupResult       `json:"setup"`
	Mbsync        *mbsyncResult     `json:"mbsync,omitempty"`
	Source        *sourceResult     `json:"smtp_source,omitempty"`
	SourceNull    *sourceResult     `json:"smtp_source_sink_not_capturing,omitempty"`
	Backlog       *backlogResult    `json:"backlog,omitempty"`
	IdleProbe     *idleProbeResult  `json:"dovecot_idle_notify,omitempty"`
	Latency       *latencyResult    `json:"latency,omitempty"`
	Big           *bigResult        `json:"big_mail,omitempty"`
	Goals         []goal            `json:"goals"`
}

func yes(b bool) *bool { return &b }

func (r *report) evaluate() {
	r.Goals = nil
	add := func(g goal) { r.Goals = append(r.Goals, g) }
	bl := r.Backlog
	complete := bl != nil && bl.Incomplete == ""
	if bl != nil && r.Source != nil {
		g := goal{Goal: "letters/s in the backlog ≥ 1.0 × smtp-source -d -s 1", Need: "≥ 1.0",
			Measured: fmt.Sprintf("%.1f letters/s", bl.LettersPerSec), Reference: fmt.Sprintf("%.0f msgs/s", r.Source.PerSec)}
		if r.Source.PerSec > 0 && bl.LettersPerSec > 0 {
			g.Ratio = bl.LettersPerSec / r.Source.PerSec
			g.Met = yes(complete && g.Ratio >= 1.0)
		}
		add(g)
	}
	if bl != nil && r.Mbsync != nil {
		g := goal{Goal: "complaints/s in the backlog ≥ 2 × mbsync (FSync yes)", Need: "≥ 2.0",
			Measured: fmt.Sprintf("%.1f complaints/s", bl.ComplaintsPerSec), Reference: fmt.Sprintf("%.0f msgs/s", r.Mbsync.PerSec)}
		if r.Mbsync.PerSec > 0 && bl.ComplaintsPerSec > 0 {
			g.Ratio = bl.ComplaintsPerSec / r.Mbsync.PerSec
			g.Met = yes(complete && g.Ratio >= 2.0)
		}
		add(g)
	}
	if l := r.Latency; l != nil {
		all := l.Acked == l.Mails
		floor := ""
		if r.IdleProbe != nil {
			floor = fmt.Sprintf(" (Dovecot IDLE notify alone: %.0f ms)", r.IdleProbe.P50)
		}
		add(goal{Goal: "acknowledgement latency p50 < 200 ms", Need: "< 1.0", Measured: fmt.Sprintf("%.0f ms", l.P50), Reference: "200 ms" + floor,
			Ratio: l.P50 / 200, Met: yes(all && l.P50 < 200)})
		add(goal{Goal: "acknowledgement latency p99 < 1 s", Need: "< 1.0", Measured: fmt.Sprintf("%.0f ms (p90 %.0f, max %.0f; %d/%d acked)", l.P99, l.P90, l.Max, l.Acked, l.Mails),
			Reference: "1000 ms", Ratio: l.P99 / 1000, Met: yes(all && l.P99 < 1000)})
	}
	if bl != nil && bl.PeakRSS > 0 {
		add(goal{Goal: "peak RSS during the backlog < 100 MB", Need: "< 1.0", Measured: mb(bl.PeakRSS) + " (VmHWM)", Reference: "100 MB",
			Ratio: float64(bl.PeakRSS) / 100e6, Met: yes(bl.PeakRSS < 100e6)})
	}
	if b := r.Big; b != nil {
		add(goal{Goal: fmt.Sprintf("%.0f MB mail costs ≤ ~2 × its size on top", float64(b.MailBytes)/1e6), Need: "≤ 2.0",
			Measured: fmt.Sprintf("+%s (%s → %s)", mb(b.Extra), mb(b.RSSBefore), mb(b.Peak)), Reference: "mail " + mb(int64(b.MailBytes)),
			Ratio: b.ExtraPerMail, Met: yes(strings.HasPrefix(b.Outcome, "registered") && b.ExtraPerMail <= 2.0)})
	}
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nklachtd-bench: N = %d, %s CPUs, load %s → %s, fsync %.1f ms\n\n", r.N, r.Host["cpus"], r.LoadStart, r.LoadEnd, r.FsyncMs)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "goal\tmeasured\treference\tratio\tneeded\tmet?")
	for _, g := range r.Goals {
		met := "—"
		if g.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*g.Met]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%s\t%s\n", g.Goal, g.Measured, g.Reference, g.Ratio, g.Need, met)
	}
	tw.Flush()
	fmt.Fprintln(w)
	if bl := r.Backlog; bl != nil {
		fmt.Fprintf(w, "backlog: %d mails (%.1f MB, fill %.1f s, Dovecot index %.1f s); %d complaints, %d quarantined; first letter after %.1f s;\n",
			bl.Mails, float64(r.Setup.MailBytes)/1e6, r.Setup.FillSeconds, r.Setup.IndexSeconds, bl.Complaints, bl.Quarantined, bl.FirstLetterSeconds)
		fmt.Fprintf(w, "  klachtd CPU %.1f s over %.1f s (%.0f%% of one core); mean letter %d bytes\n",
			bl.KlachtdCPU, bl.LettersSeconds, 100*bl.KlachtdCPU/math.Max(bl.LettersSeconds, 1e-9), bl.MeanLetterBytes)
		c := bl.Check
		fmt.Fprintf(w, "  exactly once: %d letters = %d acknowledgements + %d handler notices + %d other; %d complainants without, %d with 2+; %d duplicate Message-IDs; %d not in the outbox as sent; %d before their outbox row\n",
			c.Captured, c.Acks, c.HandlerNotices, c.OtherLetters, c.MissingAcks, c.DuplicateLetters, c.DuplicateMsgIDs, c.NotInOutbox, c.SentBeforeQueued)
		if bl.Incomplete != "" {
			fmt.Fprintf(w, "  INCOMPLETE: %s\n", bl.Incomplete)
		}
	}
	if s := r.SourceNull; s != nil {
		fmt.Fprintf(w, "smtp-source -d -s 1: %.0f msgs/s to the capturing sink (as klachtd had), %.0f msgs/s to a sink that throws mail away\n",
			r.Source.PerSec, s.PerSec)
	}
	if p := r.IdleProbe; p != nil {
		fmt.Fprintf(w, "Dovecot IDLE notification to a bare client: %d APPENDs %s apart, APPEND OK → EXISTS min %.0f, p50 %.0f, max %.0f ms\n", p.Mails, p.Gap, p.Min, p.P50, p.Max)
	}
	if l := r.Latency; l != nil {
		fmt.Fprintf(w, "latency: %d mails %s apart; min %.0f, p50 %.0f, p90 %.0f, p99 %.0f, max %.0f ms; APPEND itself p50 %.1f ms\n",
			l.Mails, l.Gap, l.Min, l.P50, l.P90, l.P99, l.Max, l.AppendP50)
	}
	if b := r.Big; b != nil {
		fmt.Fprintf(w, "big mail: %d bytes (attachment %d bytes); %s in %.1f s after an APPEND of %.1f s\n",
			b.MailBytes, b.AttachmentBytes, b.Outcome, b.Seconds, b.AppendSeconds)
	}
}

func (r *report) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// writeHistogram draws the latency samples as a bar chart: 10 ms bins (or
// wider, for at most 80 bars), with the p50 (green) and p99 (red) marked and
// the goals (200 ms, 1 s) as grey lines when they fit.
func writeHistogram(path string, l *latencyResult) error {
	const W, H, left, bottom, top, right = 800, 360, 60, 40, 30, 20
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	fill(img, img.Bounds(), color.RGBA{255, 255, 255, 255})
	maxV := 0.0
	for _, v := range l.Samples {
		maxV = math.Max(maxV, v)
	}
	span := math.Max(math.Max(maxV*1.05, l.P99*1.1), 50)
	bin := 10.0
	for span/bin > 80 {
		bin *= 2
	}
	nb := int(math.Ceil(span / bin))
	counts := make([]int, nb)
	top1 := 0
	for _, v := range l.Samples {
		k := min(int(v/bin), nb-1)
		counts[k]++
		top1 = max(top1, counts[k])
	}
	pw, ph := W-left-right, H-top-bottom
	x := func(v float64) int { return left + int(v/(float64(nb)*bin)*float64(pw)) }
	y := func(c int) int { return H - bottom - int(float64(c)/float64(top1)*float64(ph)) }
	grey, black := color.RGBA{170, 170, 170, 255}, color.RGBA{0, 0, 0, 255}
	for _, g := range []float64{200, 1000} {
		if g < float64(nb)*bin {
			vline(img, x(g), top, H-bottom, grey)
			text(img, x(g)+3, top+2, fmt.Sprintf("%.0f", g), grey)
		}
	}
	for k, c := range counts {
		if c > 0 {
			fill(img, image.Rect(x(float64(k)*bin)+1, y(c), x(float64(k+1)*bin), H-bottom), color.RGBA{70, 110, 200, 255})
		}
	}
	vline(img, x(l.P50), top, H-bottom, color.RGBA{0, 160, 0, 255})
	vline(img, x(l.P99), top, H-bottom, color.RGBA{210, 0, 0, 255})
	hline(img, left, W-right, H-bottom, black)
	vline(img, left, top, H-bottom, black)
	for t := 0.0; t <= float64(nb)*bin; t += bin * float64(max(1, nb/8)) {
		vline(img, x(t), H-bottom, H-bottom+4, black)
		text(img, x(t)-6, H-bottom+8, fmt.Sprintf("%.0f", t), black)
	}
	text(img, left-30, top-2, fmt.Sprintf("%d", top1), black)
	text(img, left-20, H-bottom-6, "0", black)
	text(img, W-right-60, H-bottom+22, "ms", black)
	text(img, left, 8, fmt.Sprintf("ack latency n=%d p50 %.0f p99 %.0f max %.0f ms", len(l.Samples), l.P50, l.P99, l.Max), black)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return png.Encode(f, img)
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.Set(x, y, c)
		}
	}
}

func vline(img *image.RGBA, x, y0, y1 int, c color.Color) {
	for y := y0; y < y1; y++ {
		img.Set(x, y, c)
	}
}

func hline(img *image.RGBA, x0, x1, y int, c color.Color) {
	for x := x0; x < x1; x++ {
		img.Set(x, y, c)
	}
}

// font is a 3×5 pixel font for the few characters the chart writes.
var font = map[rune][5]string{
	'0': {"###", "#.#", "#.#", "#.#", "###"}, '1': {".#.", "##.", ".#.", ".#.", "###"},
	'2': {"###", "..#", "###", "#..", "###"}, '3': {"###", "..#", "###", "..#", "###"},
	'4': {"#.#", "#.#", "###", "..#", "..#"}, '5': {"###", "#..", "###", "..#", "###"},
	'6': {"###", "#..", "###", "#.#", "###"}, '7': {"###", "..#", "..#", "..#", "..#"},
	'8': {"###", "#.#", "###", "#.#", "###"}, '9': {"###", "#.#", "###", "..#", "###"},
	'a': {"...", "##.", "..#", "###", "###"}, 'c': {"...", "###", "#..", "#..", "###"},
	'e': {"...", "###", "###", "#..", "###"}, 'k': {"#..", "#.#", "##.", "#.#", "#.#"},
	'l': {"##.", ".#.", ".#.", ".#.", "###"}, 'm': {"...", "###", "###", "#.#", "#.#"},
	'n': {"...", "##.", "#.#", "#.#", "#.#"}, 'p': {"...", "###", "#.#", "###", "#.."},
	's': {"...", "###", "##.", "..#", "###"}, 't': {".#.", "###", ".#.", ".#.", ".##"},
	'x': {"...", "#.#", ".#.", ".#.", "#.#"}, 'y': {"...", "#.#", "###", "..#", "##."},
	'=': {"...", "###", "...", "###", "..."}, '.': {"...", "...", "...", "...", ".#."},
}

// text writes s at 2× scale.
func text(img *image.RGBA, x, y int, s string, c color.Color) {
	for _, r := range s {
		g, ok := font[r]
		if ok {
			for row := 0; row < 5; row++ {
				for col := 0; col < 3; col++ {
					if g[row][col] == '#' {
						fill(img, image.Rect(x+col*2, y+row*2, x+col*2+2, y+row*2+2), c)
					}
				}
			}
		}
		x += 8
	}
}
