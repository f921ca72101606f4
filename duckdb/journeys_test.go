package duckdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
)

// TestDatabaseFromBeforeJourneys opens a database that has only the first
// migration: read-only it has no saved journeys, and the next writable open
// adds the table.
func TestDatabaseFromBeforeJourneys(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "waymark.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, undo := range []string{"DROP TABLE journeys", "DELETE FROM schema_migrations WHERE version >= 2"} {
		if _, err := s.db.ExecContext(ctx, undo); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	s, err = Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if js, err := s.Journeys(ctx, "p"); err != nil || len(js) != 0 {
		t.Errorf("read-only journeys = %v, %v; want none", js, err)
	}
	if _, err := s.Journey(ctx, "p", "j"); waymark.ErrorKind(err) != waymark.KindNotFound {
		t.Errorf("read-only journey: err = %v, want not found", err)
	}
	if _, err := s.SaveJourney(ctx, "p", report.Journey{ID: "j"}); waymark.ErrorKind(err) != waymark.KindInvalid {
		t.Errorf("saving read-only: err = %v, want invalid", err)
	}
	s.Close()

	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	if err := s.db.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&version); err != nil || version < 2 {
		t.Fatalf("schema version %d, %v; want 2 or later", version, err)
	}
	if _, err := s.SaveJourney(ctx, "p", report.Journey{ID: "j", Name: "J"}); err != nil {
		t.Fatal(err)
	}
	if j, err := s.Journey(ctx, "p", "j"); err != nil || j.Name != "J" {
		t.Errorf("journey = %+v, %v; want J", j, err)
	}
}
