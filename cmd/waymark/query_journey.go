package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"text/tabwriter"

	"github.com/waymark-analytics/waymark/report"
)

// queryJourney runs a journey map: a definition (POST
// /api/v1/journeys/report) or a saved journey (GET
// /api/v1/journeys/{id}/report).
func queryJourney(ctx context.Context, args []string) error {
	fs := flagSet("query journey", "query journey (--def FILE | --id ID) [--from DATE] [--to DATE] [flags]")
	var q queryFlags
	q.register(fs, "stage (--rows flows: per flow between stages, stages numbered from 1, 0 the entry)")
	def := fs.String("def", "", "the journey definition, a JSON or YAML file (docs/reports.md); - reads standard input")
	id := fs.String("id", "", "run the saved journey with this id (waymark journeys list) instead of --def")
	var dates dateRange
	dates.register(fs)
	rows := fs.String("rows", "stages", "what a CSV row is: stages or flows")
	if err := noArguments(fs, args); err != nil {
		return err
	}
	if *rows != "stages" && *rows != "flows" {
		return fmt.Errorf("--rows %q: use stages or flows", *rows)
	}
	var answer []byte
	var err error
	switch {
	case *id != "" && *def != "":
		return fmt.Errorf("give --def or --id, not both")
	case *id != "":
		answer, err = runSavedJourney(ctx, q, *id, dates)
	case *def == "":
		return fmt.Errorf("name the journey: --def FILE or --id ID")
	default:
		body := map[string]any{}
		if err := readDefinition(*def, &body); err != nil {
			return err
		}
		if _, ok := body["journey"]; !ok {
			body = map[string]any{"journey": body}
		}
		for key, value := range map[string]string{"from": dates.from, "to": dates.to} {
			if value != "" {
				body[key] = value
			}
		}
		request, _ := json.Marshal(body)
		answer, err = q.call(ctx, "POST", "/api/v1/journeys/report", request)
	}
	if err != nil {
		return err
	}
	var r report.JourneyResult
	return q.print(answer, &r, func(w io.Writer) { printJourney(w, &r) }, func() [][]string { return journeyRows(&r, *rows) })
}

// runSavedJourney runs the journey saved under id over the date range.
func runSavedJourney(ctx context.Context, q queryFlags, id string, dates dateRange) ([]byte, error) {
	path := "/api/v1/journeys/" + url.PathEscape(id) + "/report"
	v := url.Values{}
	if dates.from != "" {
		v.Set("from", dates.from)
	}
	if dates.to != "" {
		v.Set("to", dates.to)
	}
	if len(v) > 0 {
		path += "?" + v.Encode()
	}
	return q.call(ctx, "GET", path, nil)
}

func printJourney(w io.Writer, r *report.JourneyResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\treached\tentered here\tdropped after\tmoved on\tmedian time in stage\t")
	for i, s := range r.Stages {
		fmt.Fprintf(tw, "%d %s\t%d\t%d\t%d\t%s\t%s\t\n", i+1, s.Name, s.Reached, s.Entered, s.DropOff, percent(s.MovedOn), span(s.TimeInStage))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nflows:")
	for _, f := range r.Flows {
		from := "(entry)"
		if f.From >= 0 {
			from = r.Stages[f.From].Name
		}
		skip := ""
		if f.Skip {
			skip = " (skip)"
		}
		fmt.Fprintf(w, "  %s -> %s: %d%s\n", from, r.Stages[f.To].Name, f.Persons, skip)
	}
	fmt.Fprintf(w, "\npersons %d; conversion first to last stage %s; time to convert: average %s, median %s; average time between stages %s\n",
		r.Persons, percent(r.Conversion), seconds(r.TimeToConvert.Average), seconds(r.TimeToConvert.Median), seconds(r.BetweenStages.Average))
	if r.Friction != nil {
		fmt.Fprintf(w, "friction point: after %q, %s moved on\n", r.Friction.Name, percent(r.Friction.MovedOn))
	}
}

// journeyRows are the CSV rows of a journey map: one per stage, or with
// rows "flows" one per flow. Stages are numbered from 1 as in the table;
// a flow from 0 is the entry into the map.
func journeyRows(r *report.JourneyResult, rows string) [][]string {
	if rows == "flows" {
		out := [][]string{{"from", "fromName", "to", "toName", "persons", "skip", "medianTime"}}
		for _, f := range r.Flows {
			fromName := "(entry)"
			if f.From >= 0 {
				fromName = r.Stages[f.From].Name
			}
			out = append(out, []string{count(f.From + 1), fromName, count(f.To + 1), r.Stages[f.To].Name,
				count(f.Persons), fmt.Sprint(f.Skip), median(f.Time)})
		}
		return out
	}
	out := [][]string{{"stage", "name", "reached", "entered", "dropOff", "movedOn", "medianTimeInStage"}}
	for i, s := range r.Stages {
		out = append(out, []string{count(i + 1), s.Name, count(s.Reached), count(s.Entered), count(s.DropOff),
			number(s.MovedOn), median(s.TimeInStage)})
	}
	return out
}
