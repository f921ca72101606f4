package duckdb

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage/storagetest"
)

// TestDatabaseFromBeforeMembers opens a database whose events were stored
// before migrations 0003 (members) and 0004 (catalog): read-only, reports
// say it needs the upgrade and export still works; the next writable open
// computes every event's members and builds the catalog, so that reports
// and the catalog answer as the reference does, deep nesting included.
func TestDatabaseFromBeforeMembers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "waymark.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	var events []waymark.Event
	for i := range 2*backfillBatch + 50 { // more than one batch
		e := waymark.Event{ProjectID: "p", MessageID: fmt.Sprint("m", i), Type: waymark.Track, Name: "Buy",
			AnonymousID: fmt.Sprint("a", i%7), Timestamp: at.Add(time.Duration(i) * time.Second), ReceivedAt: at}
		switch i % 5 {
		case 0:
			e.Properties = json.RawMessage(`{"plan":"free","x":[[[[[[[[[[{"plan":"pro"}]]]]]]]]]]}`)
		case 1:
			e.Type, e.Name, e.Traits = waymark.Identify, "", storagetest.RandomObject(rng)
		case 2:
			e.Properties = json.RawMessage(`{"x":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"plan":"deep"}}}}}}}}}},"plan":"team"}`)
		default:
			e.Properties = storagetest.RandomObject(rng)
		}
		events = append(events, e)
	}
	if _, err := s.Write(ctx, events, nil); err != nil {
		t.Fatal(err)
	}
	for _, undo := range []string{
		"ALTER TABLE events DROP COLUMN properties_names", "ALTER TABLE events DROP COLUMN properties_texts",
		"ALTER TABLE events DROP COLUMN traits_names", "ALTER TABLE events DROP COLUMN traits_texts",
		"DROP TABLE catalog_events", "DROP TABLE catalog_keys",
		"DELETE FROM schema_migrations WHERE version >= 3",
	} {
		if _, err := s.db.ExecContext(ctx, undo); err != nil {
			t.Fatal(undo, err)
		}
	}
	s.Close()

	ref := &report.Reference{Events: events, PersonOf: func(id string) string { return id }}
	q := report.Query{ProjectID: "p", Breakdown: "properties.plan", Touchpoints: []report.Touchpoint{
		{Where: []report.Condition{{Field: "properties.plan", Op: report.Equals, Value: "pro"}}},
		{Where: []report.Condition{{Field: "traits.plan", Op: report.IsSet}}},
		{Where: []report.Condition{{Field: "properties.n", Op: report.Greater, Value: "3"}}},
	}}

	s, err = Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	// Reports read the index, which reads members itself.
	if got, want := hits(t, s, q), hits(t, ref, q); !reflect.DeepEqual(got, want) {
		t.Errorf("read-only hits before the upgrade differ from the reference:\n got %v\nwant %v", got, want)
	}
	if _, err := s.EventNames(ctx, "p"); waymark.ErrorKind(err) != waymark.KindUnavailable {
		t.Errorf("read-only catalog before the upgrade: err = %v, want one that says to upgrade", err)
	}
	n := 0
	if err := s.ExportEvents(ctx, "p", func(*waymark.Event, string) error { n++; return nil }); err != nil || n != len(events) {
		t.Errorf("read-only export: %d events, %v; want %d", n, err, len(events))
	}
	s.Close()

	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := hits(t, s, q), hits(t, ref, q); !reflect.DeepEqual(got, want) {
		t.Errorf("hits after the upgrade differ from the reference:\n got %v\nwant %v", got, want)
	}
	for name, pair := range map[string][2]func() (any, error){
		"event names": {func() (any, error) { return s.EventNames(ctx, "p") }, func() (any, error) { return ref.EventNames(ctx, "p") }},
		"property keys": {func() (any, error) { return s.PropertyKeys(ctx, "p", report.EventKind{}) },
			func() (any, error) { return ref.PropertyKeys(ctx, "p", report.EventKind{}) }},
		"trait keys": {func() (any, error) { return s.TraitKeys(ctx, "p") }, func() (any, error) { return ref.TraitKeys(ctx, "p") }},
	} {
		got, err := pair[0]()
		want, _ := pair[1]()
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		if err != nil || string(a) != string(b) {
			t.Errorf("%s after the upgrade: %s, %v; want %s", name, a, err, b)
		}
	}
}

// hits lists what a source streams for q, as "person value mask" lines.
func hits(t *testing.T, src report.Source, q report.Query) []string {
	t.Helper()
	var lines []string
	err := src.Hits(context.Background(), q, func(p *report.Person) error {
		for _, h := range p.Hits {
			lines = append(lines, fmt.Sprintf("%s %s %q %b", p.ID, h.Time.Format(time.RFC3339), h.Value, h.Mask))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines) // sources pass persons in any order
	return lines
}
