package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/waymark-analytics/waymark/report"
)

// queryFunnel runs a funnel (POST /api/v1/funnels), or with --persons lists
// the persons behind one of its numbers (POST /api/v1/funnels/persons).
func queryFunnel(ctx context.Context, args []string) error {
	fs := flagSet("query funnel", "query funnel (--def FILE | --steps A,B,C) [--persons STEP [--outcome reached|dropped|in_progress]] [flags]")
	var q queryFlags
	q.register(fs, "step and breakdown value (--rows trend: per period; --persons: per person)")
	def := fs.String("def", "", "the funnel definition, a JSON or YAML file (docs/reports.md); - reads standard input")
	steps := fs.String("steps", "", "comma-separated event names, one per step (instead of --def)")
	window := fs.String("window", "", "conversion window, e.g. 7d (default 30d)")
	order := fs.String("order", "", "ordered, strict or any")
	countBy := fs.String("count-by", "", "persons, totals or sessions")
	breakdown := fs.String("breakdown", "", "break down by a field, e.g. channel or properties.plan")
	var dates dateRange
	dates.register(fs)
	rows := fs.String("rows", "steps", "what a CSV row is: steps, or trend (the periods of the definition's trend)")
	var drill report.Drill
	fs.IntVar(&drill.Step, "persons", 0, "list the persons behind step N (from 1) instead of the funnel, by --outcome")
	fs.StringVar((*string)(&drill.Outcome), "outcome", string(report.Reached),
		"with --persons: reached (did the step), dropped (did the previous required step, not this one, and the window has closed) or in_progress (the same, window still open)")
	fs.Func("group", "with --persons and a breakdown: only the persons of this breakdown value", func(s string) error {
		drill.Breakdown = &s
		return nil
	})
	fs.IntVar(&drill.Offset, "offset", 0, "with --persons: skip this many persons")
	fs.IntVar(&drill.Limit, "limit", 0, fmt.Sprintf("with --persons: list at most this many (default %d, at most %d)", report.DefaultLimit, report.MaxLimit))
	if err := noArguments(fs, args); err != nil {
		return err
	}
	if *rows != "steps" && *rows != "trend" {
		return fmt.Errorf("--rows %q: use steps or trend", *rows)
	}
	if drill.Step == 0 {
		if name := firstSet(fs, "outcome", "group", "offset", "limit"); name != "" {
			return fmt.Errorf("--%s goes with --persons STEP", name)
		}
	}

	funnel := map[string]any{}
	if *def != "" {
		if err := readDefinition(*def, &funnel); err != nil {
			return err
		}
	}
	for key, value := range map[string]string{"window": *window, "order": *order, "countBy": *countBy, "from": dates.from, "to": dates.to} {
		if value != "" {
			funnel[key] = value
		}
	}
	if *steps != "" {
		var list []any
		for _, name := range strings.Split(*steps, ",") {
			list = append(list, map[string]any{"touchpoints": []any{map[string]any{"event": strings.TrimSpace(name)}}})
		}
		funnel["steps"] = list
	}
	if *breakdown != "" {
		funnel["breakdown"] = map[string]any{"field": *breakdown}
	}

	if drill.Step != 0 {
		request, _ := json.Marshal(struct {
			Funnel map[string]any `json:"funnel"`
			report.Drill
		}{funnel, drill})
		answer, err := q.call(ctx, "POST", "/api/v1/funnels/persons", request)
		if err != nil {
			return err
		}
		var page report.PersonsPage
		return q.print(answer, &page, func(w io.Writer) { printPersonsPage(w, &page) }, func() [][]string { return personsPageRows(&page) })
	}
	request, _ := json.Marshal(funnel)
	answer, err := q.call(ctx, "POST", "/api/v1/funnels", request)
	if err != nil {
		return err
	}
	var r report.FunnelResult
	return q.print(answer, &r, func(w io.Writer) { printFunnel(w, &r) }, func() [][]string { return funnelRows(&r, *rows) })
}

// firstSet returns the first of the named flags that was set, or "".
func firstSet(fs *flag.FlagSet, names ...string) string {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range names {
		if set[name] {
			return name
		}
	}
	return ""
}

func printFunnel(w io.Writer, r *report.FunnelResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\tcount\tfrom previous\tfrom first\tdropped\tin progress\tmedian time from previous\t")
	for i, s := range r.Steps {
		name := fmt.Sprintf("%d %s", i+1, s.Name)
		if s.Optional {
			name += " (optional)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%d\t%s\t\n", name, s.Count, percent(s.ConversionFromPrevious), percent(s.ConversionFromFirst),
			s.DropOff, s.InProgress, span(s.FromPrevious))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nentered %d, converted %d (%s), in progress %d; time to convert: average %s, median %s, p90 %s\n",
		r.Entered, r.Converted, percent(r.Conversion), r.InProgress,
		seconds(r.TimeToConvert.Average), seconds(r.TimeToConvert.Median), seconds(r.TimeToConvert.P90))
	for _, g := range r.Breakdown {
		fmt.Fprintf(w, "  %s: entered %d, converted %d (%s)\n", g.Value, g.Entered, g.Converted, percent(g.Conversion))
	}
	if len(r.Trend) > 0 {
		fmt.Fprintln(w, "\ntrend:")
	}
	for _, p := range r.Trend {
		fmt.Fprintf(w, "  %s: entered %d, converted %d (%s)\n", p.Period.UTC().Format(time.DateOnly), p.Entered, p.Converted, percent(p.Conversion))
	}
}

// funnelRows are the CSV rows of a funnel: one per step, or per step of
// each breakdown value, or with rows "trend" one per period.
func funnelRows(r *report.FunnelResult, rows string) [][]string {
	if rows == "trend" {
		out := [][]string{{"period", "entered", "converted", "conversion"}}
		for _, p := range r.Trend {
			out = append(out, []string{p.Period.UTC().Format(time.DateOnly), count(p.Entered), count(p.Converted), number(p.Conversion)})
		}
		return out
	}
	header := []string{"step", "name", "optional", "count", "conversionFromPrevious", "conversionFromFirst",
		"dropOff", "inProgress", "medianTimeFromPrevious", "medianTimeFromFirst"}
	stepRows := func(lead []string, steps []report.StepResult) (out [][]string) {
		for i, s := range steps {
			out = append(out, slices.Concat(lead, []string{count(i + 1), s.Name, fmt.Sprint(s.Optional), count(s.Count),
				number(s.ConversionFromPrevious), number(s.ConversionFromFirst), count(s.DropOff), count(s.InProgress),
				median(s.FromPrevious), median(s.FromFirst)}))
		}
		return out
	}
	if len(r.Breakdown) == 0 {
		return append([][]string{header}, stepRows(nil, r.Steps)...)
	}
	out := [][]string{append([]string{"breakdown"}, header...)}
	for _, g := range r.Breakdown {
		out = append(out, stepRows([]string{g.Value}, g.Steps)...)
	}
	return out
}

// printPersonsPage lists a drill-down's persons, one id a line.
func printPersonsPage(w io.Writer, page *report.PersonsPage) {
	for _, id := range page.Persons {
		fmt.Fprintln(w, id)
	}
	if len(page.Persons) == 0 {
		fmt.Fprintf(w, "no persons here (of %d)\n", page.Total)
		return
	}
	fmt.Fprintf(w, "\npersons %d to %d of %d", page.Offset+1, page.Offset+len(page.Persons), page.Total)
	if next := page.Offset + len(page.Persons); next < page.Total {
		fmt.Fprintf(w, "; --offset %d for more", next)
	}
	fmt.Fprintln(w)
}

func personsPageRows(page *report.PersonsPage) [][]string {
	out := [][]string{{"person"}}
	for _, id := range page.Persons {
		out = append(out, []string{id})
	}
	return out
}
