package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// SaveJourney stores a journey definition under its id, replacing the one
// saved before, and returns it with the time it was saved.
func (s *Store) SaveJourney(ctx context.Context, projectID string, j report.Journey) (report.SavedJourney, error) {
	saved, _, err := s.writeJourney(ctx, "SaveJourney", projectID, j)
	return saved, err
}

// CreateJourney stores a journey definition under its id unless a journey
// is saved there: then it fails with KindConflict.
func (s *Store) CreateJourney(ctx context.Context, projectID string, j report.Journey) (report.SavedJourney, error) {
	saved, stored, err := s.writeJourney(ctx, "CreateJourney", projectID, j)
	if err == nil && !stored {
		return report.SavedJourney{}, storage.JourneyExists(j.ID)
	}
	return saved, err
}

// writeJourney runs the statement query with j, now, and tells whether it
// stored a row.
func (s *Store) writeJourney(ctx context.Context, query, projectID string, j report.Journey) (report.SavedJourney, bool, error) {
	if s.writer == nil {
		return report.SavedJourney{}, false, waymark.Errorf(waymark.KindInvalid, "the store is open read-only")
	}
	definition, err := storage.JourneyDefinition(j)
	if err != nil {
		return report.SavedJourney{}, false, err
	}
	s.journeyMu.Lock()
	defer s.journeyMu.Unlock()
	saved := report.SavedJourney{Journey: j, Updated: time.Now().UTC().Truncate(time.Microsecond)}
	result, err := s.db.ExecContext(ctx, queries.Get(query), projectID, j.ID, definition, saved.Updated)
	if err != nil {
		return report.SavedJourney{}, false, fmt.Errorf("save journey %s: %w", j.ID, err)
	}
	n, err := result.RowsAffected()
	if err != nil {
		return report.SavedJourney{}, false, fmt.Errorf("save journey %s: %w", j.ID, err)
	}
	return saved, n > 0, nil
}

// Journey returns the journey saved under id.
func (s *Store) Journey(ctx context.Context, projectID, id string) (report.SavedJourney, error) {
	var definition string
	var updated time.Time
	err := s.db.QueryRowContext(ctx, queries.Get("Journey"), projectID, id).Scan(&definition, &updated)
	if errors.Is(err, sql.ErrNoRows) || s.predatesJourneys(err) {
		return report.SavedJourney{}, waymark.Errorf(waymark.KindNotFound, "no journey with id %q", id)
	}
	if err != nil {
		return report.SavedJourney{}, fmt.Errorf("read journey %s: %w", id, err)
	}
	return storage.ReadJourney(id, definition, updated), nil
}

// Journeys lists the project's saved journeys by name, then id.
func (s *Store) Journeys(ctx context.Context, projectID string) ([]report.SavedJourney, error) {
	rows, err := s.db.QueryContext(ctx, queries.Get("Journeys"), projectID)
	if s.predatesJourneys(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list journeys: %w", err)
	}
	return storage.ReadJourneys(rows, func(t time.Time) time.Time { return t })
}

// DeleteJourney removes the journey saved under id.
func (s *Store) DeleteJourney(ctx context.Context, projectID, id string) error {
	if s.writer == nil {
		return waymark.Errorf(waymark.KindInvalid, "the store is open read-only")
	}
	s.journeyMu.Lock()
	defer s.journeyMu.Unlock()
	result, err := s.db.ExecContext(ctx, queries.Get("DeleteJourney"), projectID, id)
	if err != nil {
		return fmt.Errorf("delete journey %s: %w", id, err)
	}
	if n, err := result.RowsAffected(); err != nil {
		return fmt.Errorf("delete journey %s: %w", id, err)
	} else if n == 0 {
		return waymark.Errorf(waymark.KindNotFound, "no journey with id %q", id)
	}
	return nil
}

// predatesJourneys reports the error of reading journeys from a database
// opened read-only that has not had migration 0002 yet: it has no journeys
// table, and no saved journeys. The next writable open adds the table.
func (s *Store) predatesJourneys(err error) bool {
	e, ok := errors.AsType[*duckdb.Error](err)
	return ok && e.Type == duckdb.ErrorTypeCatalog && s.writer == nil
}
