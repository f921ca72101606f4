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
	if _, err := s.insertJourney(ctx, projectID, j.ID, definition, false, saved.Updated); err != nil {
		return report.SavedJourney{}, fmt.Errorf("save journey %s: %w", j.ID, err)
	}
	return saved, nil
}

// CreateJourney stores a journey definition under its id unless a journey
// is saved there: then it fails with KindConflict. Creates on this
// collector take turns. Collectors share no lock, so after its row is in,
// a create reads the rows since the journey was last deleted: another's
// save among them came first or at the same time, and this create gives
// way to it, writing the other's definition back as the latest unless a
// later save already replaced its own. Inserts are synchronous, so of two
// creates at the same time at most one succeeds.
func (s *Store) CreateJourney(ctx context.Context, projectID string, j report.Journey) (report.SavedJourney, error) {
	definition, err := storage.JourneyDefinition(j)
	if err != nil {
		return report.SavedJourney{}, err
	}
	s.journeyMu.Lock()
	defer s.journeyMu.Unlock()
	if _, err := s.Journey(ctx, projectID, j.ID); err == nil {
		return report.SavedJourney{}, storage.JourneyExists(j.ID)
	} else if waymark.ErrorKind(err) != waymark.KindNotFound {
		return report.SavedJourney{}, err
	}
	saved := report.SavedJourney{Journey: j, Updated: time.Now().UTC().Truncate(time.Microsecond)}
	seq, err := s.insertJourney(ctx, projectID, j.ID, definition, false, saved.Updated)
	if err != nil {
		return report.SavedJourney{}, fmt.Errorf("save journey %s: %w", j.ID, err)
	}
	saves, err := s.journeySaves(ctx, projectID, j.ID)
	if err != nil {
		return report.SavedJourney{}, fmt.Errorf("save journey %s: %w", j.ID, err)
	}
	for _, other := range saves { // newest first
		if other.seq == seq {
			continue
		}
		if saves[0].seq == seq {
			if _, err := s.insertJourney(ctx, projectID, j.ID, other.definition, false, fromMicros(other.updated)); err != nil {
				return report.SavedJourney{}, fmt.Errorf("save journey %s: %w", j.ID, err)
			}
		}
		return report.SavedJourney{}, storage.JourneyExists(j.ID)
	}
	return saved, nil
}

// journeySave is a row that saved a journey.
type journeySave struct {
	definition string
	updated    int64 // microseconds
	seq        int64
}

// journeySaves returns the rows that saved a journey since it was last
// deleted, newest first.
func (s *Store) journeySaves(ctx context.Context, projectID, id string) ([]journeySave, error) {
	rows, err := s.conn.Query(ctx, queries.Get("JourneySaves"), projectID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var saves []journeySave
	for rows.Next() {
		var save journeySave
		var deleted uint8
		if err := rows.Scan(&save.definition, &deleted, &save.updated, &save.seq); err != nil {
			return nil, err
		}
		if deleted == 1 {
			break
		}
		saves = append(saves, save)
	}
	return saves, rows.Err()
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
	if _, err := s.insertJourney(ctx, projectID, id, "", true, time.Now()); err != nil {
		return fmt.Errorf("delete journey %s: %w", id, err)
	}
	return nil
}

// insertJourney adds a row of a journey, numbered by the store's clock so
// that the latest save or delete wins, and returns its seq.
func (s *Store) insertJourney(ctx context.Context, projectID, id, definition string, deleted bool, at time.Time) (int64, error) {
	s.writeMu.Lock()
	seq := s.clock.next(1)
	s.writeMu.Unlock()
	var flag uint8
	if deleted {
		flag = 1
	}
	return seq, s.insert(ctx, queries.Get("InsertJourney"), projectID, id, definition, flag, micros(at), seq)
}
