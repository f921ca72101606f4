package http

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/duckdb"
	"github.com/waymark-analytics/waymark/ingest"
)

// BenchmarkIngestBatch posts 100-event analytics.js batches from parallel
// clients into a real DuckDB store; it is for profiling the write path
// (`waymark bench ingest` gives the figures in docs/benchmarks.md).
func BenchmarkIngestBatch(b *testing.B) {
	ctx := context.Background()
	store, err := duckdb.Open(ctx, filepath.Join(b.TempDir(), "w.db"), duckdb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	store.CreateProject(ctx, waymark.Project{ID: "p", Name: "P", WriteKey: "wk", ReadKey: "rk", CreatedAt: time.Now()})
	writer := ingest.NewWriter(store, 20000)
	defer writer.Close()
	srv := httptest.NewServer(New(Config{Store: store, Writer: writer, Pipeline: ingest.NewPipeline(ingest.Options{}), Logger: slog.New(slog.DiscardHandler)}).Handler())
	defer srv.Close()

	var seq atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var body bytes.Buffer
			body.WriteString(`{"batch":[`)
			for i := range 100 {
				if i > 0 {
					body.WriteByte(',')
				}
				fmt.Fprintf(&body, `{"type":"page","name":"Pricing","messageId":"m%d","anonymousId":"a%d","timestamp":"2026-11-01T10:00:00.000Z","properties":{"path":"/pricing","title":"Pricing","url":"https://acme.example/pricing?utm_source=google&utm_medium=cpc"},"context":{"ip":"203.0.113.9","library":{"name":"analytics.js","version":"next-1.70.0"},"page":{"path":"/pricing","referrer":"https://www.google.com/","title":"Pricing","url":"https://acme.example/pricing?utm_source=google&utm_medium=cpc"},"userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"}}`, seq.Add(1), seq.Load()%5000)
			}
			body.WriteString(`],"sentAt":"2026-11-01T10:00:00.000Z"}`)
			req, _ := nethttp.NewRequest("POST", srv.URL+"/v1/batch", &body)
			req.SetBasicAuth("wk", "")
			resp, err := nethttp.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatal(resp.Status)
			}
		}
	})
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "events/s")
}
