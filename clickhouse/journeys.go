package clickhouse

import (
	"context"
	"fmt"
	"time"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/report"
	"github.com/waymark-analytics/waymark/storage"
)

// SaveJourney stores a journey definition under its id, replacing the one
// saved before, and returns it with the time it was saved.
func (s *Store) SaveJourney(ctx context.Context, projectID string, j report.Journey) (report.SavedJourney, error) {
	definition, err := storage.JourneyDefinition(j)
	if err != nil {
		return report.SavedJourney{}, err
	}
	saved := report.SavedJourney{Journey: j, Updated: time.Now().UTC().Truncate(time.Microsecond)}
	if err := s.insertJourney(ctx, projectID, j.ID, definition, false, saved.Updated); err != nil {
		return report.SavedJourney{}, fmt.Errorf("save journey %s: %w", j.ID, err)
	}
	return saved, nil
}

// Journey returns the journey saved under id.
func (s *Store) Journey(ctx context.Context, projectID, id string) (report.SavedJourney, error) {
	rows, err := s.conn.Query(ctx, queries.Get("Journey"), projectID, id)
	if err != nil {
		return report.SavedJourney{}, fmt.Errorf("read journey %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return report.SavedJourney{}, fmt.Errorf("read journey %s: %w", id, err)
		}
		return report.SavedJourney{}, waymark.Errorf(waymark.KindNotFound, "no journey with id %q", id)
	}
	var definition string
	var updated int64
	if err := rows.Scan(&definition, &updated); err != nil {
		return report.SavedJourney{}, fmt.Errorf("read journey %s: %w", id, err)
	}
	return storage.ReadJourney(id, definition, fromMicros(updated)), nil
}

// Journeys lists the project's saved journeys by name, then id.
func (s *Store) Journeys(ctx context.Context, projectID string) ([]report.SavedJourney, error) {
	rows, err := s.conn.Query(ctx, queries.Get("Journeys"), projectID)
	if err != nil {
		return nil, fmt.Errorf("list journeys: %w", err)
	}
	return storage.ReadJourneys(rows, fromMicros)
}

// DeleteJourney removes the journey saved under id: a row that marks it
// deleted. Saving it again brings it back.
func (s *Store) DeleteJourney(ctx context.Context, projectID, id string) error {
	if _, err := s.Journey(ctx, projectID, id); err != nil {
		return err
	}
	if err := s.insertJourney(ctx, projectID, id, "", true, time.Now()); err != nil {
		return fmt.Errorf("delete journey %s: %w", id, err)
	}
	return nil
}

// insertJourney adds a row of a journey, numbered by the store's clock so
// that the latest save or delete wins.
func (s *Store) insertJourney(ctx context.Context, projectID, id, definition string, deleted bool, at time.Time) error {
	s.writeMu.Lock()
	seq := s.clock.next(1)
	s.writeMu.Unlock()
	var flag uint8
	if deleted {
		flag = 1
	}
	return s.insert(ctx, queries.Get("InsertJourney"), projectID, id, definition, flag, micros(at), seq)
}
