package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/waymark-analytics/waymark"
	"github.com/waymark-analytics/waymark/storage"
)

// SearchPersons finds persons by id or trait value; see storage.Store.
func (s *Store) SearchPersons(ctx context.Context, projectID, text string, limit int) ([]waymark.PersonSummary, error) {
	return storage.SearchPersons(ctx, projectID, text, limit, s.matchPersons, s.Events, s.personRows)
}

func (s *Store) matchPersons(ctx context.Context, projectID, text string, limit int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, queries.Get("SearchPersons"), sql.Named("project", projectID),
		sql.Named("text", text), sql.Named("limit", limit))
	if err != nil {
		return nil, fmt.Errorf("search persons: %w", err)
	}
	return storage.Values[string](rows)
}

func (s *Store) personRows(ctx context.Context, projectID string, persons []string) ([]storage.PersonRow, error) {
	rows, err := s.db.QueryContext(ctx, queries.Get("PersonSummaries"), sql.Named("project", projectID), sql.Named("persons", persons))
	if err != nil {
		return nil, fmt.Errorf("summarise persons: %w", err)
	}
	defer rows.Close()
	var out []storage.PersonRow
	for rows.Next() {
		var r storage.PersonRow
		var ids, traits string
		if err := rows.Scan(&r.Person, &ids, &r.FirstSeen, &r.LastSeen, &r.Events, &traits); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ids), &r.IDs); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(traits), &r.Traits); err != nil {
			return nil, err
		}
		r.FirstSeen, r.LastSeen = r.FirstSeen.UTC(), r.LastSeen.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
