package duckdb

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// TestCatalogCountsWhatACrashLeft: writes add to the catalog about once a
// second, so a crash can leave it behind its mark; the next open counts
// the events after the mark, and readers never see the catalog behind.
func TestCatalogCountsWhatACrashLeft(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "waymark.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	if err := s.CreateProject(ctx, waymark.Project{ID: "p", Name: "P", WriteKey: "wk", ReadKey: "rk", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	write := func(from, to int) {
		t.Helper()
		var events []waymark.Event
		for i := from; i < to; i++ {
			events = append(events, waymark.Event{ProjectID: "p", MessageID: fmt.Sprint("m", i), Type: waymark.Track,
				Name: []string{"Buy", "View"}[i%2], AnonymousID: fmt.Sprint("a", i%7), Timestamp: at.Add(time.Duration(i) * time.Second),
				ReceivedAt: at, Properties: json.RawMessage(fmt.Sprintf(`{"plan":"free","n%d":1}`, i%3))})
		}
		if _, err := s.Write(ctx, events, nil); err != nil {
			t.Fatal(err)
		}
	}
	catalog := func() ([]report.EventName, []report.PropertyKey) {
		t.Helper()
		names, err := s.EventNames(ctx, "p")
		if err != nil {
			t.Fatal(err)
		}
		keys, err := s.PropertyKeys(ctx, "p", report.EventKind{})
		if err != nil {
			t.Fatal(err)
		}
		return names, keys
	}
	write(0, 30)
	write(30, 40) // within a second of the first: counted in memory
	names, keys := catalog()
	if len(names) != 2 || names[0].Events+names[1].Events != 40 {
		t.Fatalf("right after the writes the catalog lists %+v", names)
	}
	// A crash after events were committed, before the catalog counted them:
	// the catalog is as it was at its mark.
	for _, lose := range []string{"DELETE FROM catalog_events", "DELETE FROM catalog_keys", "UPDATE catalog_mark SET seq = -1"} {
		if _, err := s.writer.ExecContext(ctx, lose); err != nil {
			t.Fatal(lose, err)
		}
	}
	s.Close()
	if s, err = Open(ctx, path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	gotNames, gotKeys := catalog()
	if !reflect.DeepEqual(gotNames, names) || !reflect.DeepEqual(gotKeys, keys) {
		t.Errorf("after the crash the catalog lists\n%+v\n%+v\nwant\n%+v\n%+v", gotNames, gotKeys, names, keys)
	}
	write(40, 45)
	if names, _ := catalog(); names[0].Events+names[1].Events != 45 {
		t.Errorf("after more writes the catalog lists %+v", names)
	}
}
