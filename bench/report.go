package bench

import (
	"fmt"
	"html"
	"io"
	"math"
)

// Ratio divides a by b, NaN when b is 0.
func Ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// Table writes the results as a text table, with each contender's
// throughput and p50 as ratios to the peer's and the floor's. A run with
// errors has "!" after its error count, and is listed under the table with
// its first error: its throughput counts only its successful requests.
func Table(w io.Writer, results []Result, workloads, contenders []string, peer, floor string) {
	find := func(c, wl string) *Result {
		for i := range results {
			if results[i].Contender == c && results[i].Workload == wl {
				return &results[i]
			}
		}
		return nil
	}
	fmt.Fprintf(w, "%-16s %-16s %9s %8s %8s %8s %7s %6s %9s %9s\n",
		"workload", "contender", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors", "trips", "×peer", "p50/floor")
	for _, wl := range workloads {
		p, f := find(peer, wl), find(floor, wl)
		for _, c := range contenders {
			r := find(c, wl)
			if r == nil {
				continue
			}
			vsPeer, vsFloor := "", ""
			if p != nil && c != peer {
				vsPeer = fmt.Sprintf("%.2f", Ratio(r.Throughput, p.Throughput))
			}
			if f != nil && c != floor && f.OK() > 0 && r.OK() > 0 {
				vsFloor = fmt.Sprintf("%.2f", Ratio(r.P50ms, f.P50ms))
			}
			trips := ""
			if r.RoundTrips > 0 {
				trips = fmt.Sprintf("%.1f", r.RoundTrips)
			}
			errs := fmt.Sprintf("%d", r.Errors)
			if r.Flagged {
				errs += "!"
			}
			fmt.Fprintf(w, "%-16s %-16s %9.1f %8.2f %8.2f %8.2f %7s %6s %9s %9s\n",
				wl, c, r.Throughput, r.P50ms, r.P90ms, r.P99ms, errs, trips, vsPeer, vsFloor)
		}
	}
	for _, r := range results {
		if r.Flagged {
			fmt.Fprintf(w, "! %s/%s: %d of %d requests failed; first error: %.300s\n",
				r.Workload, r.Contender, r.Errors, r.Requests, r.FirstError)
		}
	}
}

// SVG draws two grouped bar charts, throughput and p99 latency, per
// workload and contender.
func SVG(w io.Writer, results []Result, workloads, contenders []string, title string) {
	colors := []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b"}
	const (
		left, top, chartH, groupW, barW, gap = 70, 50, 220, 120, 22, 60
	)
	width := left + len(workloads)*groupW + 40
	height := top + 2*(chartH+gap) + 60
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n", width, height)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" fill="white"/><text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", left, html.EscapeString(title))
	for ci, c := range contenders {
		x := left + ci*150
		fmt.Fprintf(w, `<rect x="%d" y="32" width="10" height="10" fill="%s"/><text x="%d" y="41">%s</text>`+"\n", x, colors[ci%len(colors)], x+14, html.EscapeString(c))
	}
	panel := func(y0 int, label string, value func(Result) float64) {
		maxV := 0.0
		for _, r := range results {
			if v := value(r); !math.IsNaN(v) {
				maxV = math.Max(maxV, v)
			}
		}
		if maxV == 0 {
			maxV = 1
		}
		fmt.Fprintf(w, `<text x="10" y="%d" transform="rotate(-90 10 %d)">%s</text>`+"\n", y0+chartH/2, y0+chartH/2, html.EscapeString(label))
		fmt.Fprintf(w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`+"\n", left, y0+chartH, width-20, y0+chartH)
		fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="end">%.4g</text>`+"\n", left-4, y0+8, maxV)
		for wi, wl := range workloads {
			gx := left + wi*groupW + 8
			for ci, c := range contenders {
				for _, r := range results {
					if r.Workload != wl || r.Contender != c {
						continue
					}
					v := value(r)
					if math.IsNaN(v) {
						continue
					}
					h := int(float64(chartH) * v / maxV)
					fmt.Fprintf(w, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %s: %.4g</title></rect>`+"\n",
						gx+ci*barW, y0+chartH-h, barW-3, h, colors[ci%len(colors)], html.EscapeString(c), html.EscapeString(wl), v)
				}
			}
			fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", gx+len(contenders)*barW/2, y0+chartH+14, html.EscapeString(wl))
		}
	}
	panel(top+10, "throughput (req/s)", func(r Result) float64 { return r.Throughput })
	panel(top+chartH+gap+10, "p99 latency (ms)", func(r Result) float64 { return r.P99ms })
	fmt.Fprintln(w, "</svg>")
}
