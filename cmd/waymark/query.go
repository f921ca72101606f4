package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/duckdb"
	"github.com/waymark-analytics/waymark/http"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

type queryCommand struct{}

func (*queryCommand) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "funnel" && args[0] != "journey") {
		return fmt.Errorf("name the report: waymark query funnel|journey [flags]; --help lists the flags")
	}
	kind := args[0]
	fs := flagSet("query", "query "+kind+" [--data DIR | --store URL] [--def FILE | --id ID] [--json] ...")
	var data dataFlags
	data.register(fs)
	def := fs.String("def", "", "the report definition, a JSON or YAML file (docs/reports.md); - reads standard input")
	id := fs.String("id", "", "journey: run the saved journey with this id (waymark journeys list) instead of --def")
	asJSON := fs.Bool("json", false, "print the API's JSON answer instead of a table")
	steps := fs.String("steps", "", "funnel: comma-separated event names, one per step (instead of --def)")
	window := fs.String("window", "", "funnel: conversion window, e.g. 7d (default 30d)")
	order := fs.String("order", "", "funnel: ordered, strict or any")
	countBy := fs.String("count-by", "", "funnel: persons, totals or sessions")
	breakdown := fs.String("breakdown", "", "funnel: break down by a field, e.g. channel or properties.plan")
	from := fs.String("from", "", "start of the date range, YYYY-MM-DD (UTC)")
	to := fs.String("to", "", "end of the date range, YYYY-MM-DD (UTC, exclusive)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *id != "" {
		answer, err := runSavedJourney(ctx, data, kind, *id, *def, *from, *to)
		if err != nil {
			return err
		}
		return printAnswer(kind, answer, *asJSON)
	}
	body := map[string]any{}
	if *def != "" {
		if err := readDefinition(*def, &body); err != nil {
			return err
		}
	}
	path := "/api/v1/funnels"
	if kind == "journey" {
		path = "/api/v1/journeys/report"
		if _, ok := body["journey"]; !ok {
			body = map[string]any{"journey": body}
		}
	}
	for key, value := range map[string]string{"window": *window, "order": *order, "countBy": *countBy, "from": day(*from), "to": day(*to)} {
		if value != "" {
			body[key] = value
		}
	}
	if *steps != "" {
		var list []any
		for _, name := range strings.Split(*steps, ",") {
			list = append(list, map[string]any{"touchpoints": []any{map[string]any{"event": strings.TrimSpace(name)}}})
		}
		body["steps"] = list
	}
	if *breakdown != "" {
		body["breakdown"] = map[string]any{"field": *breakdown}
	}
	request, _ := json.Marshal(body)

	answer, err := runQuery(ctx, data, "POST", path, request)
	if err != nil {
		return err
	}
	return printAnswer(kind, answer, *asJSON)
}

// printAnswer prints a report's answer as a table, or as the API's JSON,
// and its warnings to standard error.
func printAnswer(kind string, answer []byte, asJSON bool) error {
	var warned struct{ Warnings []string }
	if err := json.Unmarshal(answer, &warned); err != nil {
		return err
	}
	for _, w := range warned.Warnings {
		fmt.Fprintln(os.Stderr, "warning: "+w)
	}
	if asJSON {
		var out bytes.Buffer
		json.Indent(&out, answer, "", "  ")
		fmt.Println(out.String())
		return nil
	}
	if kind == "journey" {
		var r report.JourneyResult
		if err := json.Unmarshal(answer, &r); err != nil {
			return err
		}
		printJourney(os.Stdout, &r)
		return nil
	}
	var r report.FunnelResult
	if err := json.Unmarshal(answer, &r); err != nil {
		return err
	}
	printFunnel(os.Stdout, &r)
	return nil
}

// runSavedJourney runs the journey saved under id over the date range.
func runSavedJourney(ctx context.Context, data dataFlags, kind, id, def, from, to string) ([]byte, error) {
	if kind != "journey" {
		return nil, fmt.Errorf("--id names a saved journey: waymark query journey --id ID")
	}
	if def != "" {
		return nil, fmt.Errorf("give --def or --id, not both")
	}
	path := "/api/v1/journeys/" + url.PathEscape(id) + "/report"
	q := url.Values{}
	if from != "" {
		q.Set("from", from)
	}
	if to != "" {
		q.Set("to", to)
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return runQuery(ctx, data, "GET", path, nil)
}

// day turns a date into the API's time format.
func day(s string) string {
	if len(s) == len("2006-01-02") {
		return s + "T00:00:00Z"
	}
	return s
}

// readDefinition reads a JSON or YAML file into a generic value, which then
// goes to the API as JSON: both formats mean the same fields.
func readDefinition(path string, v *map[string]any) error {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return err
	}
	// YAML is nearly a superset of JSON, but not quite: it rejects the JSON
	// escape \/, for one. So JSON is read as JSON.
	if json.Valid(b) {
		err = json.Unmarshal(b, v)
	} else {
		err = yaml.Unmarshal(b, v)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// runQuery answers one request with the API, with the store open
// read-only: reports and other reads.
func runQuery(ctx context.Context, data dataFlags, method, path string, request []byte) ([]byte, error) {
	api, err := openAPI(ctx, data, false)
	if err != nil {
		return nil, err
	}
	defer api.Close()
	return api.call(ctx, method, path, request)
}

// apiClient calls the API itself, so the answers are the API's: in this
// process over the store, or through the running server when it holds the
// embedded database.
type apiClient struct {
	store   storage.Store   // in this process; nil through a server
	handler nethttp.Handler // the API over store
	addr    string          // the running server's
	readKey string
}

// openAPI opens the store for the API in this process, read-only beside
// other readers unless write is set, or finds the running server that holds
// the embedded database.
func openAPI(ctx context.Context, data dataFlags, write bool) (*apiClient, error) {
	store, err := openStoreForAPI(ctx, data, write)
	if waymark.ErrorKind(err) == waymark.KindUnavailable && data.store == "" {
		server, err := readServerFile(data.dir)
		if err != nil {
			return nil, fmt.Errorf("the database is in use and no running server was found in %s: %w", data.dir, err)
		}
		return &apiClient{addr: server.Addr, readKey: server.ReadKey}, nil
	}
	if err != nil {
		return nil, err
	}
	projects, err := store.Projects(ctx)
	if err == nil && len(projects) == 0 {
		err = fmt.Errorf("no project in %s yet", data.where())
	}
	if err != nil {
		store.Close()
		return nil, err
	}
	handler := http.New(http.Config{Store: store, Logger: slog.Default()}).Handler()
	return &apiClient{store: store, handler: handler, readKey: projects[0].ReadKey}, nil
}

// openStoreForAPI opens an existing store; the embedded database for
// writing only when asked, as that excludes other readers.
func openStoreForAPI(ctx context.Context, data dataFlags, write bool) (storage.Store, error) {
	if !write || data.store != "" {
		return openStoreReadOnly(ctx, data)
	}
	path := filepath.Join(data.dir, databaseFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no Waymark data in %s: %w", data.dir, err)
	}
	return openDuckDB(ctx, path, duckdb.Options{})
}

func (c *apiClient) Close() error {
	if c.store == nil {
		return nil
	}
	return c.store.Close()
}

// call sends a request and returns the body of a 2xx answer, or the
// answer's error.
func (c *apiClient) call(ctx context.Context, method, path string, request []byte) ([]byte, error) {
	if c.handler != nil {
		req := httptest.NewRequestWithContext(ctx, method, path, bytes.NewReader(request))
		req.Header.Set("Authorization", "Bearer "+c.readKey)
		answer := httptest.NewRecorder()
		c.handler.ServeHTTP(answer, req)
		return answerBody(answer.Code, answer.Body.Bytes())
	}
	req, err := nethttp.NewRequestWithContext(ctx, method, "http://"+c.addr+path, bytes.NewReader(request))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.readKey)
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("query through the running server: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return answerBody(resp.StatusCode, body)
}

// answerBody returns an API answer's body, or its error message.
func answerBody(status int, body []byte) ([]byte, error) {
	if status/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, errors.New(e.Error)
		}
		return nil, fmt.Errorf("%d %s", status, bytes.TrimSpace(body))
	}
	return body, nil
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

func percent(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) }

func span(d report.Durations) string {
	if d.Count == 0 {
		return "-"
	}
	return seconds(d.Median)
}

// seconds prints a duration in seconds the way people read it.
func seconds(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.1fd", d.Hours()/24)
	case d >= time.Hour:
		return fmt.Sprintf("%.1fh", d.Hours())
	case d >= time.Minute:
		return fmt.Sprintf("%.1fm", d.Minutes())
	}
	return d.String()
}
