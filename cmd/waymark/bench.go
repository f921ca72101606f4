package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/duckdb"
	"github.com/waymark-analytics/waymark/ingest"
	"github.com/waymark-analytics/waymark/segment"
)

type benchCommand struct{}

func (*benchCommand) Run(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "funnel":
			return benchFunnelCommand(ctx, args[1:])
		case "paths":
			return benchPathsCommand(ctx, args[1:])
		case "attribution":
			return benchAttributionCommand(ctx, args[1:])
		}
	}
	fs := flagSet("bench", "bench ingest [--events N] [--clients N] [--batch N] [--clickhouse URL]\n       waymark bench funnel --help\n       waymark bench paths --help\n       waymark bench attribution --help")
	events := fs.Int("events", 1_000_000, "events to send")
	clients := fs.Int("clients", 32, "concurrent HTTP clients")
	batch := fs.Int("batch", 100, "events per request")
	clickhouse := fs.String("clickhouse", "", "also ingest into ClickHouse, clickhouse://HOST:9000/DB[?cluster=NAME]; DB must be new or empty")
	switch {
	case len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help"):
		fs.Usage()
		return flag.ErrHelp
	case len(args) == 0 || args[0] != "ingest":
		fs.Usage()
		return fmt.Errorf("name the benchmark: ingest, funnel, paths or attribution")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	return benchIngest(ctx, *events, *clients, *batch, *clickhouse)
}

// benchIngest measures sustained ingest over HTTP into a child `waymark
// serve`, acknowledged only after commit, against DuckDB's bare appender
// writing the same rows in this process; with a ClickHouse URL, also into a
// server on ClickHouse, with the same messages and clients.
func benchIngest(ctx context.Context, events, clients, batchSize int, clickhouse string) error {
	dir, err := os.MkdirTemp("", "waymark-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	fmt.Printf("generating %d events in batches of %d\n", events, batchSize)
	bodies := benchBodies(events, batchSize)

	label := fmt.Sprintf("HTTP, %d clients, %d-event batches", clients, batchSize)
	embedded, err := benchServe(ctx, bodies, clients, "--data", filepath.Join(dir, "server"))
	if err != nil {
		return err
	}
	var onClickHouse benchRun
	if clickhouse != "" {
		if onClickHouse, err = benchServe(ctx, bodies, clients, "--data", filepath.Join(dir, "clickhouse"), "--store", clickhouse); err != nil {
			return fmt.Errorf("ClickHouse: %w", err)
		}
	}

	// The baseline appends the rows the pipeline made of the same messages.
	rows := benchRows(bodies)
	start := time.Now()
	if err := duckdb.AppendBare(ctx, filepath.Join(dir, "bare.db"), rows); err != nil {
		return err
	}
	bareElapsed := time.Since(start)
	bareRate := float64(events) / bareElapsed.Seconds()

	fmt.Printf("\n%-56s %12s %12s %10s\n", "ingest, acknowledged after commit", "time", "events/s", "peak RSS")
	row := func(name string, r benchRun) {
		fmt.Printf("%-56s %12s %12.0f %6d MiB\n", name, r.elapsed.Round(time.Millisecond), r.rate(events), r.peakRSS>>20)
	}
	row(label+", embedded", embedded)
	if clickhouse != "" {
		row(label+", ClickHouse", onClickHouse)
	}
	fmt.Printf("%-56s %12s %12.0f\n", "bare DuckDB appender, same rows", bareElapsed.Round(time.Millisecond), bareRate)
	fmt.Printf("\nratio embedded / bare appender: %.2f\n", embedded.rate(events)/bareRate)
	if clickhouse != "" {
		fmt.Printf("ratio ClickHouse / embedded: %.2f\n", onClickHouse.rate(events)/embedded.rate(events))
	}
	return nil
}

// benchRun is one server's ingest.
type benchRun struct {
	elapsed time.Duration
	peakRSS int64 // of the waymark server, not of ClickHouse
}

func (r benchRun) rate(events int) float64 { return float64(events) / r.elapsed.Seconds() }

// benchServe posts bodies from clients concurrent clients to a child
// `waymark serve` started with storeArgs, and demands every event accepted.
func benchServe(ctx context.Context, bodies [][]byte, clients int, storeArgs ...string) (benchRun, error) {
	var run benchRun
	serve, err := startBenchServer(ctx, storeArgs...)
	if err != nil {
		return run, err
	}
	defer serve.kill()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var next, accepted atomic.Int64
	var failure atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(bodies)); i = next.Add(1) - 1 {
				n, err := postBench(ctx, client, serve.addr, bodies[i])
				if err != nil {
					failure.Store(err)
					return
				}
				accepted.Add(int64(n))
			}
		})
	}
	wg.Wait()
	run.elapsed = time.Since(start)
	if err, ok := failure.Load().(error); ok {
		return run, err
	}
	if run.peakRSS, err = serve.peakRSS(); err != nil {
		return run, err
	}
	serve.stop()
	var events int64
	for _, b := range bodies {
		events += int64(bytes.Count(b, []byte(`"messageId"`)))
	}
	if accepted.Load() != events {
		return run, fmt.Errorf("server accepted %d of %d events", accepted.Load(), events)
	}
	return run, nil
}

// benchServer is a child `waymark serve` on a free loopback port, with the
// read key of its default project.
type benchServer struct {
	cmd     *exec.Cmd
	addr    string
	readKey string
}

// startBenchServer starts a child `waymark serve` with storeArgs and waits
// until it answers; kill ends it, stop ends it cleanly.
func startBenchServer(ctx context.Context, storeArgs ...string) (*benchServer, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(20000+rand.IntN(20000))
	serve := exec.CommandContext(ctx, self, append([]string{"serve", "--addr", addr}, storeArgs...)...)
	serve.Env = append(os.Environ(), "WAYMARK_WRITE_KEY=wk_bench", "WAYMARK_READ_KEY=rk_bench")
	serve.Stderr = os.Stderr
	if err := serve.Start(); err != nil {
		return nil, err
	}
	if err := waitHealthy(ctx, addr); err != nil {
		serve.Process.Kill()
		return nil, err
	}
	return &benchServer{cmd: serve, addr: addr}, nil
}

// startReportServer starts a server over data for timing reports, storing
// demo data first when it has none.
func startReportServer(ctx context.Context, data dataFlags, events int) (*benchServer, error) {
	readKey, err := benchDemo(ctx, data, events)
	if err != nil {
		return nil, err
	}
	storeArgs := []string{"--data", data.dir}
	if data.store != "" {
		storeArgs = append(storeArgs, "--store", data.store)
	}
	b, err := startBenchServer(ctx, storeArgs...)
	if err != nil {
		return nil, err
	}
	b.readKey = readKey
	return b, nil
}

// post posts a report definition and decodes the answer into result,
// unless it is nil.
func (b *benchServer) post(ctx context.Context, path string, definition, result any) error {
	return postReport(ctx, b.addr, b.readKey, path, definition, result)
}

// peakRSS is the server's peak RSS so far.
func (b *benchServer) peakRSS() (int64, error) { return peakRSS(b.cmd.Process.Pid) }

// stop ends the server as a signal would.
func (b *benchServer) stop() {
	b.cmd.Process.Signal(syscall.SIGTERM)
	b.cmd.Wait()
}

// kill ends the server at once, if it still runs.
func (b *benchServer) kill() { b.cmd.Process.Kill() }

// onEngines runs a benchmark on the embedded engine over dir and, with a
// ClickHouse URL, on ClickHouse, whose server keeps its files in a
// temporary dir; it returns the results in that order.
func onEngines[R any](dir, clickhouseURL string, run func(engine string, data dataFlags) (R, error)) ([]R, error) {
	embedded, err := run("embedded", dataFlags{dir: dir})
	if err != nil {
		return nil, fmt.Errorf("embedded: %w", err)
	}
	results := []R{embedded}
	if clickhouseURL == "" {
		return results, nil
	}
	tmp, err := os.MkdirTemp("", "waymark-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	onClickHouse, err := run("ClickHouse", dataFlags{dir: tmp, store: clickhouseURL})
	if err != nil {
		return nil, fmt.Errorf("ClickHouse: %w", err)
	}
	return append(results, onClickHouse), nil
}

func waitHealthy(ctx context.Context, addr string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("server on %s did not become healthy", addr)
}

func postBench(ctx context.Context, client *http.Client, addr string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/v1/batch", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.SetBasicAuth("wk_bench", "")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var answer struct {
		Accepted int    `json:"accepted"`
		Error    string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("batch answered %s %s", resp.Status, answer.Error)
	}
	return answer.Accepted, nil
}

// peakRSS reads a process's high-water resident set size from /proc.
func peakRSS(pid int) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(status)) {
		if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(kb), " kB"), 10, 64)
			return n << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

// benchBodies renders analytics.js-style batches: page views and tracks of
// visitors from a few browsers and campaigns, each message about 700 bytes.
func benchBodies(events, batchSize int) [][]byte {
	userAgents := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
	}
	queries := []string{"", "?utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=Cj0K", "?utm_source=newsletter&utm_medium=email", "?fbclid=IwAR2"}
	paths := []string{"/", "/pricing", "/features", "/blog/journeys", "/signup"}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var bodies [][]byte
	for sent := 0; sent < events; sent += batchSize {
		b := []byte(`{"batch":[`)
		for i := sent; i < min(sent+batchSize, events); i++ {
			if i > sent {
				b = append(b, ',')
			}
			ts := start.Add(time.Duration(i) * 10 * time.Millisecond).Format(time.RFC3339Nano)
			path := paths[rng.IntN(len(paths))]
			common := fmt.Sprintf(`"messageId":"bench-%d","anonymousId":"anon-%d","timestamp":%q,"context":{"ip":"203.0.%d.%d","library":{"name":"analytics.js","version":"next-1.70.0"},"locale":"nl-NL","page":{"path":%q,"referrer":"https://www.google.com/","title":"Acme","url":"https://www.acme.example%s%s"},"userAgent":%q}`,
				i, rng.IntN(events/20+1), ts, rng.IntN(256), rng.IntN(256), path, path, queries[rng.IntN(len(queries))], userAgents[rng.IntN(len(userAgents))])
			if i%3 == 0 {
				b = fmt.Appendf(b, `{"type":"track","event":"Button Clicked","properties":{"label":"Start trial","plan":"pro"},%s}`, common)
			} else {
				b = fmt.Appendf(b, `{"type":"page","name":"Acme","properties":{"path":%q,"title":"Acme"},%s}`, path, common)
			}
		}
		b = append(b, fmt.Sprintf(`],"sentAt":%q}`, start.Format(time.RFC3339Nano))...)
		bodies = append(bodies, b)
	}
	return bodies
}

// benchRows runs the bodies through the pipeline, untimed, to get the rows
// the server stored.
func benchRows(bodies [][]byte) []waymark.Event {
	pipeline := ingest.NewPipeline(ingest.Options{})
	var rows []waymark.Event
	now := time.Now()
	for _, body := range bodies {
		payload, err := segment.DecodePayload(body, "")
		if err != nil {
			panic(err) // benchBodies made it; it must parse
		}
		rows = append(rows, pipeline.Process(ingest.Source{ProjectID: "default", ReceivedAt: now}, payload).Events...)
	}
	return rows
}
