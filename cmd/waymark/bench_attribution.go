package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/waymark-analytics/waymark/clickhouse"
	"github.com/waymark-analytics/waymark/report"
)

// The benchmark's attributions over the demo data: which channels bring
// the lead forms, every visit a touch, 30 days back, by the linear model,
// which the ClickHouse baseline computes too; and all nine models for the
// subscriptions, with forms as leads and trials as opportunities.
const (
	benchConversion = "Form Submitted"
	benchTouch      = "channel"
	benchLookback   = 30 * 24 * time.Hour
)

var (
	benchLinear = map[string]any{"conversion": map[string]any{"event": benchConversion}, "touch": benchTouch,
		"models": []string{string(report.Linear)}, "lookback": "30d"}
	benchAllModels = map[string]any{"conversion": map[string]any{"event": "Subscription Started"}, "touch": benchTouch,
		"lead": map[string]any{"event": "Form Submitted"}, "opportunity": map[string]any{"event": "Trial Started"}, "lookback": "30d"}
)

func benchAttributionCommand(ctx context.Context, args []string) error {
	fs := flagSet("bench", "bench attribution [--data DIR] [--clickhouse URL] [--events N] [--runs N]")
	dir := fs.String("data", "waymark-bench", "the embedded engine's data directory; demo data is generated into it when it has none")
	clickhouseURL := fs.String("clickhouse", "", "also run on ClickHouse and its hand-written SQL baseline: clickhouse://HOST:9000/DB, demo data generated when DB has none")
	events := fs.Int("events", 10_000_000, "demo events to generate into a store without data")
	runs := fs.Int("runs", 3, "runs of each report; the fastest counts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return benchAttribution(ctx, *dir, *clickhouseURL, *events, max(*runs, 1))
}

// benchAttributionRun is one engine's attribution times.
type benchAttributionRun struct {
	engine      string
	linear, all time.Duration // fastest runs
	credits     []report.Credit
	peakRSS     int64 // the server's, after both reports
}

// benchAttribution times the attributions through the API of a child
// `waymark serve` on each engine, and on ClickHouse, in the same run, the
// hand-written SQL of the linear one over the same rows; it fails when the
// credits differ.
func benchAttribution(ctx context.Context, dir, clickhouseURL string, events, runs int) error {
	results, err := onEngines(dir, clickhouseURL, func(engine string, data dataFlags) (benchAttributionRun, error) {
		return benchAttributionReports(ctx, engine, data, events, runs)
	})
	if err != nil {
		return err
	}
	embedded := results[0]
	var baseline time.Duration
	var baselineCredits []report.Credit
	if clickhouseURL != "" {
		if baseline, baselineCredits, err = benchLinearBaseline(ctx, clickhouseURL, runs); err != nil {
			return err
		}
	}

	fmt.Printf("\n%-56s %12s %12s\n", "report (fastest of "+strconv.Itoa(runs)+")", "time", "server RSS")
	for _, r := range results {
		fmt.Printf("%-56s %12s\n", "linear, "+benchConversion+" by "+benchTouch+", 30d, "+r.engine, r.linear.Round(time.Millisecond))
	}
	if clickhouseURL != "" {
		fmt.Printf("%-56s %12s\n", "ClickHouse SQL (groupArray, arrays), same rows", baseline.Round(time.Millisecond))
	}
	for _, r := range results {
		fmt.Printf("%-56s %12s %8d MiB\n", "nine models, subscriptions by "+benchTouch+", 30d, "+r.engine, r.all.Round(time.Millisecond), r.peakRSS>>20)
	}
	fmt.Println("\nconversions credited by the linear model:")
	for _, c := range embedded.credits {
		fmt.Printf("  %-16s %12.3f\n", c.Value, c.Conversions)
	}
	if clickhouseURL == "" {
		return nil
	}
	fmt.Printf("\nSQL baseline / embedded: %.2fx; SQL baseline / Waymark on ClickHouse: %.2fx\n",
		baseline.Seconds()/embedded.linear.Seconds(), baseline.Seconds()/results[1].linear.Seconds())
	for _, r := range results {
		if err := sameCredits(r.credits, baselineCredits); err != nil {
			return fmt.Errorf("%s and the SQL baseline differ: %w", r.engine, err)
		}
	}
	return nil
}

// benchAttributionReports runs the attributions on a server over data,
// generating demo data first when it has none.
func benchAttributionReports(ctx context.Context, engine string, data dataFlags, events, runs int) (benchAttributionRun, error) {
	r := benchAttributionRun{engine: engine}
	serve, err := startReportServer(ctx, data, events)
	if err != nil {
		return r, err
	}
	defer serve.kill()
	var answer report.AttributionResult
	if r.linear, err = fastest(runs, func() error { return serve.post(ctx, "/api/v1/attribution", benchLinear, &answer) }); err != nil {
		return r, err
	}
	r.credits = answer.Models[report.Linear]
	if r.all, err = fastest(runs, func() error { return serve.post(ctx, "/api/v1/attribution", benchAllModels, nil) }); err != nil {
		return r, err
	}
	if r.peakRSS, err = serve.peakRSS(); err != nil {
		return r, err
	}
	serve.stop()
	return r, nil
}

// benchLinearBaseline runs the linear attribution in ClickHouse's SQL in
// the same server and database.
func benchLinearBaseline(ctx context.Context, url string, runs int) (time.Duration, []report.Credit, error) {
	s, err := clickhouse.Open(ctx, url)
	if err != nil {
		return 0, nil, err
	}
	defer s.Close()
	projects, err := s.Projects(ctx)
	if err != nil || len(projects) == 0 {
		return 0, nil, fmt.Errorf("SQL baseline: no project: %v", err)
	}
	var credits []report.Credit
	elapsed, err := fastest(runs, func() (err error) {
		credits, err = s.LinearAttribution(ctx, projects[0].ID, benchConversion, benchTouch, benchLookback, 30*time.Minute)
		return err
	})
	return elapsed, credits, err
}

// sameCredits reports values that a report and the baseline credit
// differently, beyond the rounding of sums in another order; values
// credited nothing may be missing from either.
func sameCredits(report, baseline []report.Credit) error {
	credited := map[string]float64{}
	for _, c := range report {
		if c.Conversions != 0 {
			credited[c.Value] = c.Conversions
		}
	}
	var values []string
	for _, c := range baseline {
		values = append(values, c.Value)
		if math.Abs(credited[c.Value]-c.Conversions) > 1e-6*max(1, c.Conversions) {
			return fmt.Errorf("%s: %v conversions, the baseline %v", c.Value, credited[c.Value], c.Conversions)
		}
	}
	for v := range credited {
		if !slices.Contains(values, v) {
			return fmt.Errorf("%s: %v conversions, the baseline none", v, credited[v])
		}
	}
	return nil
}
