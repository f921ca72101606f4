package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/waymark-analytics/waymark/clickhouse"
	"github.com/waymark-analytics/waymark/report"
)

// The benchmark's paths report over the demo data: from each person's first
// page view (their landing page), 5 nodes deep by event name, repeats in a
// row collapsed. Every node is kept (no Other), so that its numbers compare
// one for one with the baseline's.
const (
	benchPathsStart = "page"
	benchPathsSteps = 5
)

var benchPaths = map[string]any{
	"start": map[string]any{"type": benchPathsStart}, "steps": benchPathsSteps, "node": "name",
	"top": report.MaxPathTop, "collapseRepeats": true,
}

func benchPathsCommand(ctx context.Context, args []string) error {
	fs := flagSet("bench", "bench paths [--data DIR] [--clickhouse URL] [--events N] [--runs N]")
	dir := fs.String("data", "waymark-bench", "the embedded engine's data directory; demo data is generated into it when it has none")
	clickhouseURL := fs.String("clickhouse", "", "also run on ClickHouse and its baseline in SQL: clickhouse://HOST:9000/DB, demo data generated when DB has none")
	events := fs.Int("events", 10_000_000, "demo events to generate into a store without data")
	runs := fs.Int("runs", 3, "runs of each report; the fastest counts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return benchPathsRun(ctx, *dir, *clickhouseURL, *events, max(*runs, 1))
}

// benchPathsReport is one engine's paths report: its fastest time, the
// server's peak RSS after it, and its counts.
type benchPathsReport struct {
	engine string
	time   time.Duration
	rss    int64
	counts []clickhouse.PathCount
}

// benchPathsRun times the paths report through the API of a child `waymark
// serve` on each engine and, on ClickHouse, in the same run, the paths by
// hand in SQL over the same rows; it fails when their counts differ.
func benchPathsRun(ctx context.Context, dir, clickhouseURL string, events, runs int) error {
	reports, err := onEngines(dir, clickhouseURL, func(engine string, data dataFlags) (benchPathsReport, error) {
		return benchPathsOn(ctx, engine, data, events, runs)
	})
	if err != nil {
		return err
	}
	embedded := reports[0]
	var baseline time.Duration
	var baselineCounts []clickhouse.PathCount
	if clickhouseURL != "" {
		if baseline, baselineCounts, err = benchPathCounts(ctx, clickhouseURL, runs); err != nil {
			return err
		}
	}

	fmt.Printf("\n%-48s %12s %12s\n", "report (fastest of "+strconv.Itoa(runs)+")", "time", "server RSS")
	for _, r := range reports {
		fmt.Printf("%-48s %12s %8d MiB\n", "paths, 5 steps from the landing page, "+r.engine, r.time.Round(time.Millisecond), r.rss>>20)
	}
	persons, nodes, edges := benchPathsSize(embedded.counts)
	fmt.Printf("\n%d persons on paths, %d nodes, %d edges\n", persons, nodes, edges)
	if clickhouseURL == "" {
		return nil
	}
	fmt.Printf("%-48s %12s\n", "ClickHouse SQL baseline (groupArray), same rows", baseline.Round(time.Millisecond))
	fmt.Printf("\nbaseline / embedded: %.2fx; baseline / Waymark on ClickHouse: %.2fx\n",
		baseline.Seconds()/embedded.time.Seconds(), baseline.Seconds()/reports[1].time.Seconds())
	for _, r := range reports {
		if !slices.Equal(r.counts, baselineCounts) {
			return fmt.Errorf("%s counts differ from the baseline's: %s", r.engine, benchPathsDifference(r.counts, baselineCounts))
		}
	}
	fmt.Println("every engine counts the same persons on every node and edge as the baseline")
	return nil
}

// benchPathsOn runs the paths report on a server over data, generating
// demo data first when it has none.
func benchPathsOn(ctx context.Context, engine string, data dataFlags, events, runs int) (benchPathsReport, error) {
	r := benchPathsReport{engine: engine}
	serve, err := startReportServer(ctx, data, events)
	if err != nil {
		return r, err
	}
	defer serve.kill()
	var answer report.PathsResult
	if r.time, err = fastest(runs, func() error { return serve.post(ctx, "/api/v1/paths", benchPaths, &answer) }); err != nil {
		return r, err
	}
	if r.rss, err = serve.peakRSS(); err != nil {
		return r, err
	}
	serve.stop()
	for _, n := range answer.Nodes {
		if n.Name == report.OtherValues {
			return r, fmt.Errorf("step %d was cut to its top %d nodes: the counts cannot be compared", n.Step, report.MaxPathTop)
		}
		r.counts = append(r.counts, clickhouse.PathCount{Step: n.Step, From: n.Name, Persons: int64(n.Persons)})
	}
	for _, e := range answer.Edges {
		r.counts = append(r.counts, clickhouse.PathCount{Step: e.Step, From: e.From, To: e.To, Persons: int64(e.Persons)})
	}
	sortPathCounts(r.counts)
	return r, nil
}

// benchPathCounts runs the baseline in the same server and database.
func benchPathCounts(ctx context.Context, url string, runs int) (time.Duration, []clickhouse.PathCount, error) {
	s, err := clickhouse.Open(ctx, url)
	if err != nil {
		return 0, nil, err
	}
	defer s.Close()
	projects, err := s.Projects(ctx)
	if err != nil || len(projects) == 0 {
		return 0, nil, fmt.Errorf("path counts: no project: %v", err)
	}
	label := report.Touchpoint{Type: benchPathsStart}.String() // an anchor without a name
	var counts []clickhouse.PathCount
	elapsed, err := fastest(runs, func() (err error) {
		counts, err = s.PathCounts(ctx, projects[0].ID, benchPathsStart, label, benchPathsSteps)
		return err
	})
	sortPathCounts(counts)
	return elapsed, counts, err
}

func sortPathCounts(counts []clickhouse.PathCount) {
	slices.SortFunc(counts, func(a, b clickhouse.PathCount) int {
		return cmp.Or(cmp.Compare(a.Step, b.Step), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
}

// benchPathsSize is the persons (at step 0), nodes and edges of counts.
func benchPathsSize(counts []clickhouse.PathCount) (persons int64, nodes, edges int) {
	for _, c := range counts {
		switch {
		case c.To != "":
			edges++
		case c.Step == 0:
			persons += c.Persons
			fallthrough
		default:
			nodes++
		}
	}
	return persons, nodes, edges
}

// benchPathsDifference describes the first count that differs.
func benchPathsDifference(got, want []clickhouse.PathCount) string {
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			return fmt.Sprintf("the baseline has %+v more", want[i])
		case i >= len(want):
			return fmt.Sprintf("the engine has %+v more", got[i])
		case got[i] != want[i]:
			return fmt.Sprintf("%+v, the baseline %+v", got[i], want[i])
		}
	}
	return "none"
}
