package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/waymark-analytics/waymark/report"
)

// queryAttribution runs an attribution (POST /api/v1/attribution).
func queryAttribution(ctx context.Context, args []string) error {
	fs := flagSet("query attribution", "query attribution (--def FILE | --conversion EVENT --touch FIELD) [flags]")
	var q queryFlags
	q.register(fs, "model and value (--rows values: per value)")
	def := fs.String("def", "", "the attribution definition, a JSON or YAML file (docs/reports.md); - reads standard input")
	conversion := fs.String("conversion", "", "the event name of the conversion (instead of the definition's)")
	touch := fs.String("touch", "", "the field whose values earn credit, e.g. utm_campaign, utm_content, channel or properties.KEY")
	models := fs.String("models", "", "comma-separated models (default all): "+strings.Join(modelList(), ", "))
	lookback := fs.String("lookback", "", "how long before a conversion a touch earns credit, e.g. 14d (default 30d)")
	halfLife := fs.String("half-life", "", "time_decay's half-life, e.g. 3d (default 7d)")
	lead := fs.String("lead", "", "the event name of becoming a lead: counts leads, and is a w_shaped milestone")
	opportunity := fs.String("opportunity", "", "the event name of becoming an opportunity: a w_shaped milestone")
	var dates dateRange
	dates.register(fs)
	rows := fs.String("rows", "credits", "what a CSV row is: credits (a model's credit of a value) or values")
	if err := noArguments(fs, args); err != nil {
		return err
	}
	if *rows != "credits" && *rows != "values" {
		return fmt.Errorf("--rows %q: use credits or values", *rows)
	}
	a := map[string]any{}
	if *def != "" {
		if err := readDefinition(*def, &a); err != nil {
			return err
		}
	}
	for key, value := range map[string]string{"touch": *touch, "lookback": *lookback, "halfLife": *halfLife, "from": dates.from, "to": dates.to} {
		if value != "" {
			a[key] = value
		}
	}
	for key, event := range map[string]string{"conversion": *conversion, "lead": *lead, "opportunity": *opportunity} {
		if event != "" {
			a[key] = map[string]any{"event": event}
		}
	}
	if *models != "" {
		var list []string
		for _, m := range strings.Split(*models, ",") {
			list = append(list, strings.TrimSpace(m))
		}
		a["models"] = list
	}
	if a["conversion"] == nil || a["touch"] == nil {
		return fmt.Errorf("name the conversion and the touch field: --conversion EVENT --touch FIELD, or --def FILE")
	}
	request, _ := json.Marshal(a)
	answer, err := q.call(ctx, "POST", "/api/v1/attribution", request)
	if err != nil {
		return err
	}
	var r report.AttributionResult
	return q.print(answer, &r, func(w io.Writer) { printAttribution(w, &r) }, func() [][]string { return attributionRows(&r, *rows) })
}

func modelList() []string {
	var names []string
	for _, m := range report.Models {
		names = append(names, string(m))
	}
	return names
}

// answerModels returns the models of an answer in the docs' order.
func answerModels(r *report.AttributionResult) []report.Model {
	var models []report.Model
	for _, m := range report.Models {
		if _, ok := r.Models[m]; ok {
			models = append(models, m)
		}
	}
	return models
}

// printAttribution prints a table per number, the models side by side,
// values in the order of the first model's credit, then what the models
// agree on per value.
func printAttribution(w io.Writer, r *report.AttributionResult) {
	models := answerModels(r)
	if len(models) == 0 {
		return
	}
	var order []string
	for _, c := range r.Models[models[0]] {
		order = append(order, c.Value)
	}
	credit := map[report.Model]map[string]report.Credit{}
	for _, m := range models {
		credit[m] = map[string]report.Credit{}
		for _, c := range r.Models[m] {
			credit[m][c.Value] = c
		}
	}
	table := func(title string, cell func(c report.Credit) string) {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, title+"\t")
		for _, m := range models {
			fmt.Fprintf(tw, "%s\t", m)
		}
		fmt.Fprintln(tw)
		for _, v := range order {
			fmt.Fprintf(tw, "%s\t", v)
			for _, m := range models {
				fmt.Fprintf(tw, "%s\t", cell(credit[m][v]))
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	table("conversions", func(c report.Credit) string { return fmt.Sprintf("%.2f", c.Conversions) })
	table("revenue", func(c report.Credit) string { return fmt.Sprintf("%.2f", c.Revenue) })
	if r.Spend != nil {
		table("cost per conversion", func(c report.Credit) string { return optional(c.CostPerConversion, "%.2f") })
		table("return on ad spend", func(c report.Credit) string { return optional(c.ROAS, "%.2fx") })
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "value\ttouches\tleads\tcustomers\tmedian time to convert\tspend\t")
	for _, v := range r.Values {
		leads := "-"
		if v.Leads != nil {
			leads = fmt.Sprint(*v.Leads)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\t%s\t\n", v.Value, v.Touches, leads, v.Customers, span(v.TimeToConvert), optional(v.Spend, "%.2f"))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nconversions %d, revenue %.2f, %d with a touch; time to convert from the first touch: median %s\n",
		r.Conversions, r.Revenue, r.Touched, span(r.TimeToConvert))
}

func optional(v *float64, format string) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf(format, *v)
}

// attributionRows are the CSV rows of an attribution: one per model and
// value, in each model's order, or with rows "values" one per value.
func attributionRows(r *report.AttributionResult, rows string) [][]string {
	cell := func(v *float64) string {
		if v == nil {
			return ""
		}
		return number(*v)
	}
	if rows == "values" {
		out := [][]string{{"value", "touches", "leads", "customers", "medianTimeToConvert", "spend"}}
		for _, v := range r.Values {
			leads := ""
			if v.Leads != nil {
				leads = count(*v.Leads)
			}
			out = append(out, []string{v.Value, count(v.Touches), leads, count(v.Customers), median(v.TimeToConvert), cell(v.Spend)})
		}
		return out
	}
	out := [][]string{{"model", "value", "conversions", "revenue", "costPerConversion", "roas"}}
	for _, m := range answerModels(r) {
		for _, c := range r.Models[m] {
			out = append(out, []string{string(m), c.Value, number(c.Conversions), number(c.Revenue), cell(c.CostPerConversion), cell(c.ROAS)})
		}
	}
	return out
}
