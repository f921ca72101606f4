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
	fs := flagSet("bench", "bench funnel [--data DIR] [--embedded=false] [--clickhouse URL]... [--events N] [--runs N]")
	dir := fs.String("data", "waymark-bench", "the embedded engine's data directory; demo data is generated into it when it has none")
	embedded := fs.Bool("embedded", true, "run on the embedded engine")
	var clickhouseURLs []string
	fs.Func("clickhouse", "also run on ClickHouse and its windowFunnel: clickhouse://HOST:9000/DB[?cluster=NAME], demo data generated when DB has none; repeat it to compare databases, such as 2 and 10 million events or one shard and two", func(url string) error {
		clickhouseURLs = append(clickhouseURLs, url)
		return nil
	})
	events := fs.Int("events", 10_000_000, "demo events to generate into a store without data")
	runs := fs.Int("runs", 3, "runs of each report; the fastest counts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*embedded && len(clickhouseURLs) == 0 {
		return waymark.Errorf(waymark.KindInvalid, "nothing to run: give --clickhouse URL, or leave --embedded on")
	}
	return benchFunnel(ctx, *embedded, *dir, clickhouseURLs, *events, max(*runs, 1))
}

// benchPropertyCondition narrows the funnel's first step by a property, to
// measure what reading JSON members costs a report.
var benchPropertyCondition = map[string]any{"field": "properties.price", "op": ">=", "value": "50"}

// benchReport is one store's report times.
type benchReport struct {
	engine          string
	funnel, journey time.Duration // fastest runs
	propertyFunnel  time.Duration // the funnel with benchPropertyCondition
	reached         []int64       // persons per funnel step
	// The waymark server's peak RSS after the funnels, and after the
	// journeys too.
	funnelRSS, peakRSS int64
	// On ClickHouse, windowFunnel over the same rows: its fastest run,
	// each run right after one of the funnel's, and its persons per level.
	windowFunnel        time.Duration
	windowFunnelReached []int64
}

// benchFunnel times the funnel and journey reports through the API of a
// child `waymark serve` on each store, and on ClickHouse, in the same run,
// windowFunnel over the same rows; it fails when the funnels disagree.
func benchFunnel(ctx context.Context, embedded bool, dir string, clickhouseURLs []string, events, runs int) error {
	var reports []benchReport
	if embedded {
		r, err := benchReports(ctx, "embedded", dataFlags{dir: dir}, events, runs)
		if err != nil {
			return fmt.Errorf("embedded: %w", err)
		}
		reports = append(reports, r)
	}
	for _, url := range clickhouseURLs {
		tmp, err := os.MkdirTemp("", "waymark-bench")
		if err != nil {
			return err
		}
		r, err := benchReports(ctx, url, dataFlags{dir: tmp, store: url}, events, runs)
		os.RemoveAll(tmp)
		if err != nil {
			return fmt.Errorf("%s: %w", url, err)
		}
		reports = append(reports, r)
	}

	fmt.Printf("\nfastest of %d runs; RSS is the Waymark server's peak\n", runs)
	for _, r := range reports {
		fmt.Printf("\n%s\n", r.engine)
		fmt.Printf("  %-40s %10s %8d MiB\n", "5-step funnel, 7d window", r.funnel.Round(time.Millisecond), r.funnelRSS>>20)
		if r.windowFunnel > 0 {
			fmt.Printf("  %-40s %10s\n", "ClickHouse windowFunnel, same rows", r.windowFunnel.Round(time.Millisecond))
		}
		fmt.Printf("  %-40s %10s\n", "the funnel, step 1 where price >= 50", r.propertyFunnel.Round(time.Millisecond))
		fmt.Printf("  %-40s %10s %8d MiB\n", "5-stage journey map", r.journey.Round(time.Millisecond), r.peakRSS>>20)
		fmt.Printf("  property condition / none: %.2fx\n", r.propertyFunnel.Seconds()/r.funnel.Seconds())
		if r.windowFunnel > 0 {
			fmt.Printf("  funnel / windowFunnel: %.2fx; journey map / windowFunnel: %.2fx\n",
				r.funnel.Seconds()/r.windowFunnel.Seconds(), r.journey.Seconds()/r.windowFunnel.Seconds())
		}
	}
	fmt.Println("\npersons per funnel step:")
	for _, r := range reports {
		fmt.Printf("  %v  %s\n", r.reached, r.engine)
		if r.windowFunnel > 0 {
			fmt.Printf("  %v  windowFunnel, %s\n", r.windowFunnelReached, r.engine)
		}
	}
	for _, r := range reports {
		if r.windowFunnel > 0 && !slices.Equal(r.reached, r.windowFunnelReached) {
			return fmt.Errorf("%s counts %v persons per step, windowFunnel %v", r.engine, r.reached, r.windowFunnelReached)
		}
	}
	// The embedded engine is checked against the first ClickHouse store,
	// which holds the same demo data when both were generated by this
	// command with the same --events.
	if embedded && len(reports) > 1 && !slices.Equal(reports[0].reached, reports[1].reached) {
		return fmt.Errorf("embedded counts %v persons per step, %s %v", reports[0].reached, reports[1].engine, reports[1].reached)
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
	runFunnel := func() error { return postReport(ctx, addr, readKey, "/api/v1/funnels", funnel, &answer) }
	if data.store == "" {
		r.funnel, err = fastest(runs, runFunnel)
	} else {
		r.funnel, r.windowFunnel, r.windowFunnelReached, err = benchWindowFunnel(ctx, data.store, runs, runFunnel)
	}
	if err != nil {
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
		elapsed, err := timed(fn)
		if err != nil {
			return 0, err
		}
		if i == 0 || elapsed < best {
			best = elapsed
		}
	}
	return best, nil
}

// timed runs fn once and returns how long it took.
func timed(fn func() error) (time.Duration, error) {
	start := time.Now()
	err := fn()
	return time.Since(start), err
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

// benchWindowFunnel times funnel and ClickHouse's windowFunnel over the
// same rows in the same server and database, one after the other in each
// run, so that both see the same load.
func benchWindowFunnel(ctx context.Context, url string, runs int, funnel func() error) (fastestFunnel, fastestWindowFunnel time.Duration, reached []int64, err error) {
	s, err := clickhouse.Open(ctx, url)
	if err != nil {
		return 0, 0, nil, err
	}
	defer s.Close()
	projects, err := s.Projects(ctx)
	if err != nil || len(projects) == 0 {
		return 0, 0, nil, fmt.Errorf("windowFunnel: no project: %v", err)
	}
	for range runs {
		f, err := timed(funnel)
		if err != nil {
			return 0, 0, nil, err
		}
		w, err := timed(func() (err error) {
			reached, err = s.WindowFunnel(ctx, projects[0].ID, benchFunnelWindow, benchFunnelSteps)
			return err
		})
		if err != nil {
			return 0, 0, nil, err
		}
		if fastestFunnel == 0 || f < fastestFunnel {
			fastestFunnel = f
		}
		if fastestWindowFunnel == 0 || w < fastestWindowFunnel {
			fastestWindowFunnel = w
		}
	}
	return fastestFunnel, fastestWindowFunnel, reached, nil
}
