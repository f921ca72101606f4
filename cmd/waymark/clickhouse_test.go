package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	analytics "gopkg.in/segmentio/analytics-go.v3"
)

// clickHouseStore returns a --store URL for a new database on the test
// cluster that ./scripts/test.sh starts, dropped when the test ends.
func clickHouseStore(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("WAYMARK_TEST_CLICKHOUSE_CLUSTER")
	if dsn == "" {
		msg := "WAYMARK_TEST_CLICKHOUSE_CLUSTER is not set; ./scripts/test.sh starts a ClickHouse cluster and sets it"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	database := fmt.Sprintf("waymark_e2e_%d", os.Getpid())
	u.Path = "/" + database
	t.Cleanup(func() {
		conn, err := ch.Open(&ch.Options{Addr: []string{u.Host}})
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		if err := conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+database+" ON CLUSTER "+u.Query().Get("cluster")); err != nil {
			t.Error(err)
		}
	})
	return u.String()
}

// TestClickHouseCollectors runs two collectors on one ClickHouse cluster,
// sends events to both with the Segment client, the same message to both,
// imports a file, and exports everything once.
func TestClickHouseCollectors(t *testing.T) {
	store := clickHouseStore(t)
	first := startServer(t, t.TempDir(), "--store", store)
	second := startServer(t, t.TempDir(), "--store", store)

	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	send := func(srv *server, messages ...analytics.Message) {
		t.Helper()
		client, err := analytics.NewWithConfig(testWriteKey, analytics.Config{Endpoint: "http://" + srv.addr, BatchSize: 10, Interval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range messages {
			if err := client.Enqueue(m); err != nil {
				t.Fatal(err)
			}
		}
		if err := client.Close(); err != nil {
			t.Fatal(err)
		}
	}
	order := analytics.Track{MessageId: "m-order", UserId: "user-1", Event: "Order Completed", Timestamp: at.Add(time.Hour),
		Properties: analytics.NewProperties().SetRevenue(49.5).SetCurrency("eur")}
	send(first,
		analytics.Page{MessageId: "m-page", AnonymousId: "anon-1", Name: "Pricing", Timestamp: at.Add(-time.Hour)},
		order)
	send(second,
		analytics.Identify{MessageId: "m-identify", AnonymousId: "anon-1", UserId: "user-1", Timestamp: at,
			Traits: analytics.NewTraits().SetEmail("ada@example.com")},
		order) // a retry that reached the other collector

	file := filepath.Join(t.TempDir(), "history.ndjson")
	os.WriteFile(file, []byte(`{"type":"track","messageId":"m-old","anonymousId":"anon-1","event":"Ad Clicked","timestamp":"2026-03-01T00:00:00Z"}`+"\n"), 0o600)
	out, err := exec.Command(binary, "import", "--store", store, "--data", t.TempDir(), file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "imported 1 events") {
		t.Fatalf("import: %v\n%s", err, out)
	}

	events := exportAll(t, t.TempDir(), "--store", store)
	var ids []string
	for _, e := range events {
		ids = append(ids, e.MessageID)
		if e.PersonID != "user-1" {
			t.Errorf("event %s resolves to %q, want user-1", e.MessageID, e.PersonID)
		}
	}
	if len(ids) != 4 || !strings.Contains(strings.Join(ids, " "), "m-old") {
		t.Errorf("exported %v, want m-page, m-order, m-identify and m-old once each", ids)
	}
	first.stop(t)
	second.stop(t)
}
