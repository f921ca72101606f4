package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/clickhouse"
)

// The benchmark's reports over the demo data: the shop's checkout as a
// 5-step ordered funnel with a 7-day window, counting persons (the mode
// ClickHouse's windowFunnel also has), and the lead-to-customer journey.
var (
	benchFunnelSteps  = []string{"Product Viewed", "Product Added", "Checkout Started", "Payment Info Entered", "Order Completed"}
	benchFunnelWindow = 7 * 24 * time.Hour
	benchJourney      = map[string]any{
		"name": "Lead to customer",
		"stages": []any{
			map[string]any{"name": "Visit", "touchpoints": []any{map[string]any{"type": "page"}}},
			map[string]any{"name": "Lead", "touchpoints": []any{map[string]any{"event": "Form Submitted"}}},
			map[string]any{"name": "Nurtured", "touchpoints": []any{map[string]any{"event": "Email Opened", "where": []any{
				map[string]any{"field": "properties.campaign_id", "op": "=", "value": "lead_nurture"}}}}},
			map[string]any{"name": "Trial", "touchpoints": []any{map[string]any{"event": "Trial Started"}}},
			map[string]any{"name": "Customer", "touchpoints": []any{map[string]any{"event": "Subscription Started"}}},
		},
	}
)

func benchFunnelCommand(ctx context.Context, args []string) error {
	fs := flagSet("bench", "bench funnel [--data DIR] [--clickhouse URL] [--events N] [--runs N]")
	dir := fs.String("data", "waymark-bench", "the embedded engine's data directory; demo data is generated into it when it has none")
	clickhouseURL := fs.String("clickhouse", "", "also run on ClickHouse and its windowFunnel: clickhouse://HOST:9000/DB, demo data generated when DB has none")
	events := fs.Int("events", 10_000_000, "demo events to generate into a store without data")
	runs := fs.Int("runs", 3, "runs of each report; the fastest counts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return benchFunnel(ctx, *dir, *clickhouseURL, *events, max(*runs, 1))
}

// benchPropertyCondition narrows the funnel's first step by a property, to
// measure what reading JSON members costs a report.
var benchPropertyCondition = map[string]any{"field": "properties.price", "op": ">=", "value": "50"}

// benchReport is one engine's report times.
type benchReport struct {
	engine          string
	funnel, journey time.Duration // fastest runs
	propertyFunnel  time.Duration // the funnel with benchPropertyCondition
	reached         []int64       // persons per funnel step
	// The waymark server's peak RSS after the funnels, and after the
	// journeys too.
	funnelRSS, peakRSS int64
}

// benchFunnel times the funnel and journey reports through the API of a
// child `waymark serve` on each engine, and on ClickHouse, in the same run,
// windowFunnel over the same rows; it fails when the funnels disagree.
func benchFunnel(ctx context.Context, dir, clickhouseURL string, events, runs int) error {
	var reports []benchReport
	embedded, err := benchReports(ctx, "embedded", dataFlags{dir: dir}, events, runs)
	if err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	reports = append(reports, embedded)
	var baseline time.Duration
	var baselineReached []int64
	if clickhouseURL != "" {
		tmp, err := os.MkdirTemp("", "waymark-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		onClickHouse, err := benchReports(ctx, "ClickHouse", dataFlags{dir: tmp, store: clickhouseURL}, events, runs)
		if err != nil {
			return fmt.Errorf("ClickHouse: %w", err)
		}
		reports = append(reports, onClickHouse)
		if baseline, baselineReached, err = benchWindowFunnel(ctx, clickhouseURL, runs); err != nil {
			return err
		}
	}

	fmt.Printf("\n%-44s %12s %12s\n", "report (fastest of "+strconv.Itoa(runs)+")", "time", "server RSS")
	for _, r := range reports {
		fmt.Printf("%-44s %12s %8d MiB\n", "5-step funnel, 7d window, "+r.engine, r.funnel.Round(time.Millisecond), r.funnelRSS>>20)
	}
	if clickhouseURL != "" {
		fmt.Printf("%-44s %12s\n", "ClickHouse windowFunnel, same rows", baseline.Round(time.Millisecond))
	}
	for _, r := range reports {
		fmt.Printf("%-44s %12s\n", "the funnel, step 1 where price >= 50, "+r.engine, r.propertyFunnel.Round(time.Millisecond))
	}
	for _, r := range reports {
		fmt.Printf("%-44s %12s %8d MiB\n", "5-stage journey map, "+r.engine, r.journey.Round(time.Millisecond), r.peakRSS>>20)
	}
	for _, r := range reports {
		fmt.Printf("property condition / none, %s: %.2fx\n", r.engine, r.propertyFunnel.Seconds()/r.funnel.Seconds())
	}
	fmt.Println("\npersons per funnel step:")
	for _, r := range reports {
		fmt.Printf("  %-14s %v\n", r.engine, r.reached)
	}
	if clickhouseURL == "" {
		return nil
	}
	fmt.Printf("  %-14s %v\n", "windowFunnel", baselineReached)
	fmt.Printf("\nwindowFunnel / embedded: %.2fx; windowFunnel / Waymark on ClickHouse: %.2fx\n",
		baseline.Seconds()/embedded.funnel.Seconds(), baseline.Seconds()/reports[1].funnel.Seconds())
	fmt.Printf("journey map / windowFunnel: embedded %.2fx; Waymark on ClickHouse %.2fx\n",
		embedded.journey.Seconds()/baseline.Seconds(), reports[1].journey.Seconds()/baseline.Seconds())
	for _, r := range reports {
		if !slices.Equal(r.reached, baselineReached) {
			return fmt.Errorf("%s counts %v persons per step, windowFunnel %v", r.engine, r.reached, baselineReached)
		}
	}
	return nil
}

// benchReports runs the reports on a server over data, generating demo
// data first when it has none.
func benchReports(ctx context.Context, engine string, data dataFlags, events, runs int) (benchReport, error) {
	r := benchReport{engine: engine}
	readKey, err := benchDemo(ctx, data, events)
	if err != nil {
		return r, err
	}
	storeArgs := []string{"--data", data.dir}
	if data.store != "" {
		storeArgs = append(storeArgs, "--store", data.store)
	}
	serve, addr, err := startBenchServer(ctx, storeArgs...)
	if err != nil {
		return r, err
	}
	defer serve.Process.Kill()

	steps := []any{}
	for _, name := range benchFunnelSteps {
		steps = append(steps, map[string]any{"touchpoints": []any{map[string]any{"event": name}}})
	}
	funnel := map[string]any{"steps": steps, "window": "7d", "order": "ordered", "countBy": "persons"}
	var answer struct {
		Steps []struct {
			Count int64 `json:"count"`
		} `json:"steps"`
	}
	if r.funnel, err = fastest(runs, func() error { return postReport(ctx, addr, readKey, "/api/v1/funnels", funnel, &answer) }); err != nil {
		return r, err
	}
	for _, s := range answer.Steps {
		r.reached = append(r.reached, s.Count)
	}
	steps[0] = map[string]any{"touchpoints": []any{map[string]any{"event": benchFunnelSteps[0], "where": []any{benchPropertyCondition}}}}
	if r.propertyFunnel, err = fastest(runs, func() error { return postReport(ctx, addr, readKey, "/api/v1/funnels", funnel, nil) }); err != nil {
		return r, err
	}
	if r.funnelRSS, err = peakRSS(serve.Process.Pid); err != nil {
		return r, err
	}
	journey := map[string]any{"journey": benchJourney}
	if r.journey, err = fastest(runs, func() error { return postReport(ctx, addr, readKey, "/api/v1/journeys/report", journey, nil) }); err != nil {
		return r, err
	}
	if r.peakRSS, err = peakRSS(serve.Process.Pid); err != nil {
		return r, err
	}
	serve.Process.Signal(syscall.SIGTERM)
	serve.Wait()
	return r, nil
}

// benchDemo returns the read key of the data's default project, storing
// demo data first when there is no project yet.
func benchDemo(ctx context.Context, data dataFlags, events int) (readKey string, err error) {
	projects := func() ([]waymark.Project, error) {
		if _, err := os.Stat(filepath.Join(data.dir, databaseFile)); data.store == "" && err != nil {
			return nil, nil // no database yet
		}
		s, err := openStoreReadOnly(ctx, data)
		if err != nil {
			return nil, err
		}
		defer s.Close()
		return s.Projects(ctx)
	}
	list, err := projects()
	if err != nil {
		return "", err
	}
	if len(list) == 0 {
		fmt.Printf("storing %d demo events in %s\n", events, cmp.Or(data.store, data.dir))
		self, err := os.Executable()
		if err != nil {
			return "", err
		}
		demo := exec.CommandContext(ctx, self, "demo", "--serve=false", "--events", strconv.Itoa(events), "--data", data.dir, "--store", data.store)
		demo.Stdout, demo.Stderr = os.Stdout, os.Stderr
		if err := demo.Run(); err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
		if list, err = projects(); err != nil || len(list) == 0 {
			return "", fmt.Errorf("no project after storing demo data: %v", err)
		}
	}
	return list[0].ReadKey, nil
}

// fastest runs fn runs times and returns its fastest time.
func fastest(runs int, fn func() error) (time.Duration, error) {
	var best time.Duration
	for i := range runs {
		start := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		if elapsed := time.Since(start); i == 0 || elapsed < best {
			best = elapsed
		}
	}
	return best, nil
}

// postReport posts a report definition to the API and decodes the answer
// into result, unless it is nil.
func postReport(ctx context.Context, addr, readKey, path string, definition, result any) error {
	body, err := json.Marshal(definition)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", "http://"+addr+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+readKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s: %s", path, resp.Status, answer)
	}
	if result == nil {
		return nil
	}
	return json.Unmarshal(answer, result)
}

// benchWindowFunnel runs the funnel with ClickHouse's windowFunnel in the
// same server and database.
func benchWindowFunnel(ctx context.Context, url string, runs int) (time.Duration, []int64, error) {
	s, err := clickhouse.Open(ctx, url)
	if err != nil {
		return 0, nil, err
	}
	defer s.Close()
	projects, err := s.Projects(ctx)
	if err != nil || len(projects) == 0 {
		return 0, nil, fmt.Errorf("windowFunnel: no project: %v", err)
	}
	var reached []int64
	elapsed, err := fastest(runs, func() (err error) {
		reached, err = s.WindowFunnel(ctx, projects[0].ID, benchFunnelWindow, benchFunnelSteps)
		return err
	})
	return elapsed, reached, err
}
